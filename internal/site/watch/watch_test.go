package watch

import (
	"bytes"
	"context"
	"errors"

	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// newSite copies testdata/site to a new folder and returns it.
func newSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "site"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// start makes a watcher of dir over a new SQLite store, subscribes to it
// and runs it until the test ends.
func start(t *testing.T, dir string) (*Watcher, store.Store, <-chan *site.Site, *testutil.LogBuffer) {
	t.Helper()
	st := sqlitetest.Open(t)
	logs := &testutil.LogBuffer{}
	w, err := New(context.Background(), dir, st, slog.New(slog.NewTextHandler(logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	sub := w.Subscribe()
	run(t, w)
	return w, st, sub, logs
}

// run runs w until the test ends, failing it if Run fails.
func run(t *testing.T, w *Watcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// next waits for the configuration pushed to sub.
func next(t *testing.T, sub <-chan *site.Site) *site.Site {
	t.Helper()
	select {
	case s := <-sub:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no configuration pushed in 10 s")
		return nil
	}
}

// write puts text in the file rel of dir in one step, as editors save
// (a new file renamed over the old): the watcher never reads it half
// written.
func write(t *testing.T, dir, rel, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), filepath.Base(p))
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

// edit replaces old by new in the file rel of dir.
func edit(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s holds no %q", rel, old)
	}
	write(t, dir, rel, strings.Replace(string(b), old, new, 1))
}

// stored returns the stored bytes of the record at path, nil when none.
func stored(t *testing.T, st store.Store, path string) []byte {
	t.Helper()
	r, err := st.Get(context.Background(), path)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return r.Raw
}

// TestEditsTakeEffectInTheStoreAndReachSubscribers edits each kind of
// configuration file of a running hub: the store holds the new file and
// each subscriber gets the configuration made from it.
func TestEditsTakeEffectInTheStoreAndReachSubscribers(t *testing.T) {
	for _, c := range []struct {
		name  string
		path  string // the file edited, as the store keys it
		edit  func(t *testing.T, dir string)
		check func(s *site.Site) bool
	}{
		{"site title", "_config.yml",
			func(t *testing.T, dir string) {
				edit(t, dir, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
			},
			func(s *site.Site) bool { return s.Config.Title == "Ballot Watch" }},
		{"topic keywords", "_data/topics/01-economy.yaml",
			func(t *testing.T, dir string) {
				edit(t, dir, "_data/topics/01-economy.yaml", "  - jobs\n", "  - jobs\n  - inflation\n")
			},
			func(s *site.Site) bool {
				return s.TopicByID("economy") != nil && slices.Contains(s.TopicByID("economy").Keywords, "inflation")
			}},
		{"a new topic", "_data/topics/02-housing.yaml",
			func(t *testing.T, dir string) {
				write(t, dir, "_data/topics/02-housing.yaml", "taxonomy: topic\n_id: housing\nname: Housing\nparent: Election\nkeywords:\n  - housing\n")
			},
			func(s *site.Site) bool { return s.TopicByID("housing") != nil && len(s.Topics) == 3 }},
		{"a publisher in a folder made while watching", "_data/organizations/wire.example.org.md",
			func(t *testing.T, dir string) {
				write(t, dir, "_data/organizations/wire.example.org.md",
					"---\ntaxonomy: organization\n_id: wire.example.org\nname: The Wire\ndomain: wire.example.org\n---\n")
			},
			func(s *site.Site) bool {
				o := s.Organization("wire.example.org")
				return o != nil && o.Name == "The Wire"
			}},
		{"sources list", "_data/sources.yaml",
			func(t *testing.T, dir string) {
				edit(t, dir, "_data/sources.yaml", "feed.xml\n", "feed.xml\n  - url: https://clerk.example.org/rss\n")
			},
			nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newSite(t)
			w, st, sub, logs := start(t, dir)
			before := stored(t, st, c.path)
			c.edit(t, dir)
			s := next(t, sub)
			if c.check != nil && !c.check(s) {
				t.Errorf("the configuration pushed does not show the edit\n%s", logs)
			}
			if w.Site() != s {
				t.Error("Site() is not the configuration pushed")
			}
			want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.path)))
			if err != nil {
				t.Fatal(err)
			}
			if got := stored(t, st, c.path); !bytes.Equal(got, want) || bytes.Equal(got, before) {
				t.Errorf("stored %s:\n%s\nwant the edited file:\n%s", c.path, got, want)
			}
		})
	}
}

// TestServeKeepsConfigurationThroughBadEdit breaks _config.yml and a topic
// file of a running hub: each is logged as path:line: reason, nothing is
// pushed, the store keeps what it held and the configuration in force
// stays; the next good edit takes effect.
func TestServeKeepsConfigurationThroughBadEdit(t *testing.T) {
	for _, c := range []struct {
		name, path, bad string
		line            int
	}{
		{"config", "_config.yml", "title: Election Pulse\nnews_page_size: [30\n", 2},
		{"topic", "_data/topics/01-economy.yaml", "taxonomy: topic\n_id: economy\nname: [Economy\n", 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newSite(t)
			w, st, sub, logs := start(t, dir)
			inForce, was := w.Site(), stored(t, st, c.path)
			write(t, dir, c.path, c.bad)
			where := regexp.MustCompile(regexp.QuoteMeta(filepath.Join(dir, filepath.FromSlash(c.path))) + `:(\d+): `)
			deadline := time.Now().Add(10 * time.Second)
			for !where.MatchString(logs.String()) {
				if time.Now().After(deadline) {
					t.Fatalf("the bad edit was not logged as path:line: reason:\n%s", logs)
				}
				time.Sleep(10 * time.Millisecond)
			}
			if m := where.FindStringSubmatch(logs.String()); m[1] != strconv.Itoa(c.line) {
				t.Errorf("logged at line %s, want %d:\n%s", m[1], c.line, logs)
			}
			select {
			case s := <-sub:
				t.Errorf("a configuration was pushed after a bad edit: %+v", s.Config)
			default:
			}
			if w.Site() != inForce {
				t.Error("the configuration in force changed")
			}
			if got := stored(t, st, c.path); !bytes.Equal(got, was) {
				t.Errorf("the store lost the good %s:\n%s", c.path, got)
			}

			// Mended, with a change: it takes effect.
			good := strings.Replace(string(was), "Election Pulse", "Ballot Watch", 1)
			good = strings.Replace(good, "name: Economy", "name: The Economy", 1)
			write(t, dir, c.path, good)
			s := next(t, sub)
			if s.Config.Title != "Ballot Watch" && s.TopicByID("economy").Name != "The Economy" {
				t.Errorf("the mended file did not take effect: %+v", s.Config)
			}
		})
	}
}

// TestDeletingATopicFileDeletesItsRecord removes a topic's file: its
// record goes from the store and the topic from the configuration.
func TestDeletingATopicFileDeletesItsRecord(t *testing.T) {
	dir := newSite(t)
	w, st, sub, _ := start(t, dir)
	const path = "_data/topics/01-economy.yaml"
	if stored(t, st, path) == nil || w.Site().TopicByID("economy") == nil {
		t.Fatal("the topic is not there to begin with")
	}
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(path))); err != nil {
		t.Fatal(err)
	}
	s := next(t, sub)
	if s.TopicByID("economy") != nil || s.TopicByID("election") == nil {
		t.Errorf("topics after the delete: %v", s.Topics)
	}
	if got := stored(t, st, path); got != nil {
		t.Errorf("the record of the deleted file is still stored:\n%s", got)
	}
}

// TestEditBeforeRunTakesEffect edits the folder after New read it but
// before Run watches it: no event tells of that edit, and Run reads the
// folder once watching, so it is not lost.
func TestEditBeforeRunTakesEffect(t *testing.T) {
	dir := newSite(t)
	st := sqlitetest.Open(t)
	w, err := New(context.Background(), dir, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sub := w.Subscribe()
	edit(t, dir, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
	run(t, w)
	if s := next(t, sub); s.Config.Title != "Ballot Watch" {
		t.Errorf("title %q after the edit", s.Config.Title)
	}
}

// TestEditTakesEffectWhileAFileIsWrittenAllTheTime writes a file of the
// site folder every 50 ms while _config.yml is edited: the edit takes
// effect all the same. A log or database kept in the site folder is no
// configuration and is not waited for; a draft topic that an editor saves
// on every keystroke is, but no longer than MaxDelay.
func TestEditTakesEffectWhileAFileIsWrittenAllTheTime(t *testing.T) {
	for _, c := range []struct{ name, busy, line string }{
		{"access log in the site folder", "serve.log", "127.0.0.1 - GET /api/news/ 200\n"},
		{"SQLite journal in the site folder", "hub.db-wal", "WAL frame\n"},
		{"topic saved on every keystroke", "_data/topics/02-housing.yaml", "taxonomy: topic\n_id: housing\nname: Housing\nparent: Election\n# drafting\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newSite(t)
			w, _, sub, logs := start(t, dir)
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				p := filepath.Join(dir, filepath.FromSlash(c.busy))
				for text := c.line; ; text += c.line {
					if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
						t.Error(err)
						return
					}
					select {
					case <-stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
			}()
			defer func() { close(stop); <-done }()
			time.Sleep(Settle) // the writer under way
			edit(t, dir, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
			for deadline := time.After(10 * time.Second); ; {
				select {
				case s := <-sub:
					if s.Config.Title == "Ballot Watch" {
						return
					}
				case <-deadline:
					t.Fatalf("the edit did not take effect in 10 s while %s was written: title %q\n%s",
						c.busy, w.Site().Config.Title, logs)
				}
			}
		})
	}
}

// swapLink points the link at path to target in one step, as git-sync and
// release tools do: a new link renamed over the old.
func swapLink(t *testing.T, target, link string) {
	t.Helper()
	tmp := link + ".tmp"
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
}

// TestReplacedFolderIsWatchedAnew replaces the site folder or its _data
// folder under a running watcher: the configuration of the new folder
// takes effect, and so does an edit made in it afterwards. inotify
// watches a folder, not its path: a path that leads to a new folder must
// be watched again.
func TestReplacedFolderIsWatchedAnew(t *testing.T) {
	for _, c := range []struct {
		name string
		// replace sets up the site at dir (which it may make a link) and
		// returns a function that replaces it by a copy whose title is
		// Ballot Watch, and the folder that copy is in.
		replace func(t *testing.T, dir string) (string, func() string)
	}{
		{"site folder a link swapped to a new worktree (git-sync)", func(t *testing.T, dir string) (string, func() string) {
			link := filepath.Join(t.TempDir(), "current")
			if err := os.Symlink(dir, link); err != nil {
				t.Fatal(err)
			}
			return link, func() string {
				next := copySite(t, dir)
				edit(t, next, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
				swapLink(t, next, link)
				return link
			}
		}},
		{"_data a link swapped to a new release", func(t *testing.T, dir string) (string, func() string) {
			data := filepath.Join(t.TempDir(), "data-1")
			if err := os.Rename(filepath.Join(dir, "_data"), data); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(data, filepath.Join(dir, "_data")); err != nil {
				t.Fatal(err)
			}
			return dir, func() string {
				next := filepath.Join(t.TempDir(), "data-2")
				if err := os.CopyFS(next, os.DirFS(data)); err != nil {
					t.Fatal(err)
				}
				edit(t, next, "topics/01-economy.yaml", "name: Economy", "name: The Economy")
				swapLink(t, next, filepath.Join(dir, "_data"))
				edit(t, dir, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
				return dir
			}
		}},
		{"site folder moved away and back", func(t *testing.T, dir string) (string, func() string) {
			return dir, func() string {
				away := dir + ".old"
				if err := os.Rename(dir, away); err != nil {
					t.Fatal(err)
				}
				edit(t, away, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
				time.Sleep(2 * Settle) // read while away: the store's configuration stays
				if err := os.Rename(away, dir); err != nil {
					t.Fatal(err)
				}
				return dir
			}
		}},
		{"_data moved away and a copy put in its place", func(t *testing.T, dir string) (string, func() string) {
			return dir, func() string {
				data := filepath.Join(dir, "_data")
				if err := os.Rename(data, data+".old"); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(data, os.DirFS(data+".old")); err != nil {
					t.Fatal(err)
				}
				edit(t, dir, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
				return dir
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, replace := c.replace(t, newSite(t))
			dir += string(filepath.Separator) // as an operator may type it
			w, _, sub, logs := start(t, dir)
			// Run watches once it has read an edit.
			edit(t, dir, "_data/topics/00-election.yaml", "  - ballot\n", "  - ballot\n  - vote\n")
			next(t, sub)
			dir = replace()
			waitFor(t, sub, logs, "the replacement's title", func(s *site.Site) bool { return s.Config.Title == "Ballot Watch" })
			edit(t, dir, "_data/topics/01-economy.yaml", "keywords:\n", "keywords:\n  - wages\n")
			waitFor(t, sub, logs, "the edit made in the replacement", func(s *site.Site) bool {
				return slices.Contains(s.TopicByID("economy").Keywords, "wages")
			})
			if w.Site().TopicByID("economy") == nil {
				t.Error("the economy topic is gone")
			}
		})
	}
}

// copySite copies the site folder dir to a new folder and returns it.
func copySite(t *testing.T, dir string) string {
	t.Helper()
	next := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(next, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return next
}

// waitFor waits for a configuration pushed to sub of which ok holds.
func waitFor(t *testing.T, sub <-chan *site.Site, logs *testutil.LogBuffer, what string, ok func(*site.Site) bool) {
	t.Helper()
	for deadline := time.After(10 * time.Second); ; {
		select {
		case s := <-sub:
			if ok(s) {
				return
			}
		case <-deadline:
			t.Fatalf("%s did not take effect in 10 s\n%s", what, logs)
		}
	}
}

// configMap lays out files in dir as Kubernetes mounts a ConfigMap: each
// file a link through ..data to a ..<timestamp> folder that holds them. A
// second call is an update: a new folder, ..data swapped to it, the old
// folder removed.
func configMap(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	stamp := filepath.Join(dir, "..2026_12_06_00_00_00."+strconv.FormatInt(time.Now().UnixNano(), 10))
	if err := os.MkdirAll(stamp, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(stamp, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, _ := os.Readlink(filepath.Join(dir, "..data"))
	if err := os.Symlink(filepath.Base(stamp), filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrExist) {
			t.Fatal(err)
		}
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(dir, old)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConfigMapUpdateTakesEffect mounts the topics as a Kubernetes
// ConfigMap and updates it: the files' names never change, only the
// ..data link their links go through, and the update takes effect.
func TestConfigMapUpdateTakesEffect(t *testing.T) {
	dir := newSite(t)
	topics := filepath.Join(dir, "_data", "topics")
	files := map[string]string{}
	for _, name := range []string{"00-election.yaml", "01-economy.yaml"} {
		b, err := os.ReadFile(filepath.Join(topics, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
		if err := os.Remove(filepath.Join(topics, name)); err != nil {
			t.Fatal(err)
		}
	}
	configMap(t, topics, files)
	w, _, sub, logs := start(t, dir)
	if w.Site().TopicByID("economy") == nil {
		t.Fatalf("the topics mounted are not read\n%s", logs)
	}
	files["01-economy.yaml"] = strings.Replace(files["01-economy.yaml"], "  - jobs\n", "  - jobs\n  - wages\n", 1)
	configMap(t, topics, files)
	waitFor(t, sub, logs, "the ConfigMap's update", func(s *site.Site) bool {
		return slices.Contains(s.TopicByID("economy").Keywords, "wages")
	})
	if strings.Contains(logs.String(), "..") && strings.Contains(logs.String(), "not a configuration file") {
		t.Errorf("the ConfigMap's own entries are named as stray files:\n%s", logs)
	}
}

// TestFileTruncatedBeforeItIsWrittenIsNotTaken saves _config.yml and the
// sources list in place, as an editor that keeps the file's inode does
// (vim with backupcopy=yes, a shell's >): the file is truncated, and its
// new text written a while later. The empty file in between is not taken:
// it is named path:1: reason and the configuration in force stays, with
// allow_private_networks and the sources it had; the text written then
// takes effect.
func TestFileTruncatedBeforeItIsWrittenIsNotTaken(t *testing.T) {
	for _, c := range []struct {
		path, old, new string
		check          func(*site.Site, store.Store) bool
	}{
		{"_config.yml", "title: Election Pulse", "title: Ballot Watch",
			func(s *site.Site, _ store.Store) bool { return s.Config.Title == "Ballot Watch" }},
		{"_data/sources.yaml", "feed.xml\n", "feed.xml\n  - url: https://clerk.example.org/rss\n",
			func(_ *site.Site, st store.Store) bool {
				r, err := st.Get(context.Background(), "_data/sources.yaml")
				return err == nil && len(r.Sources.Sources) == 2
			}},
	} {
		t.Run(c.path, func(t *testing.T) {
			dir := newSite(t)
			edit(t, dir, "_config.yml", "title: Election Pulse", "title: Election Pulse\nallow_private_networks: true")
			w, st, sub, logs := start(t, dir)
			inForce, was := w.Site(), stored(t, st, c.path)
			if !inForce.Config.AllowPrivateNetworks {
				t.Fatal("allow_private_networks not in force to begin with")
			}
			p := filepath.Join(dir, filepath.FromSlash(c.path))
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			where := regexp.QuoteMeta(p) + `:1: empty file`
			for deadline := time.Now().Add(10 * time.Second); !regexp.MustCompile(where).MatchString(logs.String()); {
				if time.Now().After(deadline) {
					t.Fatalf("the emptied file was not named as %s:\n%s", where, logs)
				}
				time.Sleep(10 * time.Millisecond)
			}
			select {
			case s := <-sub:
				t.Fatalf("a configuration was pushed from the emptied file: %+v", s.Config)
			default:
			}
			if w.Site() != inForce || !bytes.Equal(stored(t, st, c.path), was) {
				t.Fatal("the configuration in force changed")
			}
			if _, err := f.WriteString(strings.Replace(string(was), c.old, c.new, 1)); err != nil {
				t.Fatal(err)
			}
			waitFor(t, sub, logs, "the text written", func(s *site.Site) bool {
				return c.check(s, st) && s.Config.AllowPrivateNetworks
			})
		})
	}
}

// TestRelativeSiteFolderIsFollowed runs the watcher on the site folder
// named as serve's --site is by default, ".", and as a relative path: an
// edit of each configuration folder takes effect. fsnotify names the
// events by the path each folder was watched by, "./_config.yml" beside
// "_data/sources.yaml".
func TestRelativeSiteFolderIsFollowed(t *testing.T) {
	for _, c := range []struct{ name, cwd, dir string }{
		{"dot", "site", "."},
		{"relative", ".", "site"},
		{"relative with a dot", ".", "./site/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newSite(t)
			t.Chdir(filepath.Join(filepath.Dir(dir), c.cwd))
			_, _, sub, logs := start(t, c.dir)
			edit(t, dir, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
			waitFor(t, sub, logs, "the title's edit", func(s *site.Site) bool { return s.Config.Title == "Ballot Watch" })
			for _, id := range []string{"economy", "election"} {
				edit(t, dir, "_data/topics/"+map[string]string{"election": "00", "economy": "01"}[id]+"-"+id+".yaml",
					"keywords:\n", "keywords:\n  - wages\n")
				waitFor(t, sub, logs, "the edit of the topic "+id, func(s *site.Site) bool {
					return slices.Contains(s.TopicByID(id).Keywords, "wages")
				})
			}
		})
	}
}

// TestFolderIsReadWhenNoEventTellsOfAnEdit makes edits that raise no
// event: a file written through a hard link in another folder, as an edit
// made on another machine of a network file system's folder is seen, and
// a site folder that was not there to be watched when the hub started (a
// volume mounted late). Each takes effect at the next poll.
func TestFolderIsReadWhenNoEventTellsOfAnEdit(t *testing.T) {
	for _, c := range []struct {
		name string
		// before is done before the watcher starts, edit after.
		before, edit func(t *testing.T, dir string)
	}{
		{"written through a hard link elsewhere", func(t *testing.T, dir string) {
			if err := os.Link(filepath.Join(dir, "_config.yml"), filepath.Join(filepath.Dir(dir), "config-link.yml")); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, dir string) {
			f, err := os.OpenFile(filepath.Join(filepath.Dir(dir), "config-link.yml"), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("title: Ballot Watch!\n"); err != nil { // over "title: Election Pulse"
				t.Fatal(err)
			}
		}},
		{"site folder made after the start", func(t *testing.T, dir string) {
			if err := os.Rename(dir, dir+".later"); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, dir string) {
			edit(t, dir+".later", "_config.yml", "title: Election Pulse", "title: Ballot Watch!")
			if err := os.Rename(dir+".later", dir); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newSite(t)
			c.before(t, dir)
			logs := &testutil.LogBuffer{}
			w, err := New(context.Background(), dir, sqlitetest.Open(t), slog.New(slog.NewTextHandler(logs, nil)), nil)
			if err != nil {
				t.Fatal(err)
			}
			w.poll = 300 * time.Millisecond
			sub := w.Subscribe()
			run(t, w)
			time.Sleep(2 * Settle) // Run under way
			c.edit(t, dir)
			waitFor(t, sub, logs, "the edit", func(s *site.Site) bool { return s.Config.Title == "Ballot Watch!" })
		})
	}
}

// TestPollSaysNothingNew leaves a note in the topics folder and a topic
// file that does not read: each is named once, not again at every poll
// that finds the folder as it was; an edit of the bad file names it anew.
func TestPollSaysNothingNew(t *testing.T) {
	dir := newSite(t)
	write(t, dir, "_data/topics/notes.txt", "to do: a topic on polls\n")
	write(t, dir, "_data/topics/02-housing.yaml", "taxonomy: topic\n_id: housing\nname: [Housing\n")
	logs := &testutil.LogBuffer{}
	w, err := New(context.Background(), dir, sqlitetest.Open(t), slog.New(slog.NewTextHandler(logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.poll = 50 * time.Millisecond
	run(t, w)
	time.Sleep(20 * w.poll)
	for _, said := range []string{"notes.txt: not a configuration file", "02-housing.yaml:3: "} {
		if n := strings.Count(logs.String(), said); n != 1 {
			t.Errorf("%q said %d times in 20 polls, want once:\n%s", said, n, logs)
		}
	}
	write(t, dir, "_data/topics/02-housing.yaml", "taxonomy: topic\n_id: housing\nname: [Housing, Homes\n")
	for deadline := time.Now().Add(10 * time.Second); strings.Count(logs.String(), "02-housing.yaml:3: ") < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the bad file saved again is not named again:\n%s", logs)
		}
	}
}

// TestFileMovedAwayWhileSavedStaysInForce saves a topic as an editor that
// moves the old file away first does (vim with backupcopy=no, a checkout
// that removes a file before it writes it again), slowly: the folder is
// read while the file is gone, and the topic stays in force all along;
// the new text takes effect. A file still gone after Hold is deleted (see
// TestDeletingATopicFileDeletesItsRecord).
func TestFileMovedAwayWhileSavedStaysInForce(t *testing.T) {
	dir := newSite(t)
	_, st, sub, logs := start(t, dir)
	// Run watches once it has read an edit.
	edit(t, dir, "_config.yml", "title: Election Pulse", "title: Ballot Watch")
	next(t, sub)

	const rel = "_data/topics/01-economy.yaml"
	saveMovingAway(t, dir, rel, Settle+Hold/3) // read while gone
	for deadline := time.After(10 * time.Second); ; {
		select {
		case s := <-sub:
			tp := s.TopicByID("economy")
			if tp == nil {
				t.Fatalf("the topic left the configuration while its file was saved\n%s", logs)
			}
			if tp.Name == "The Economy" {
				if stored(t, st, rel) == nil {
					t.Error("the topic's record was deleted")
				}
				return
			}
		case <-deadline:
			t.Fatalf("the new text did not take effect in 10 s\n%s", logs)
		}
	}
}

// saveMovingAway saves the topic file rel renamed "The Economy" as an
// editor that moves the old file away first does, the file gone for gone.
func saveMovingAway(t *testing.T, dir, rel string, gone time.Duration) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	text := strings.Replace(mustRead(t, dir, rel), "name: Economy", "name: The Economy", 1)
	if err := os.Rename(p, p+"~"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(gone)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p + "~"); err != nil {
		t.Fatal(err)
	}
}

// TestFileSavedSlowlyWhileAnotherIsHeldStaysInForce deletes a topic's
// file and, while its record is held, saves another topic as an editor
// that moves the old file away first does, slowly: the Hold of the first
// is no Hold of the second, which stays in force all along, though the
// first is deleted once its own Hold is over.
func TestFileSavedSlowlyWhileAnotherIsHeldStaysInForce(t *testing.T) {
	dir := newSite(t)
	_, _, sub, logs := start(t, dir)
	write(t, dir, "_data/topics/02-housing.yaml", "taxonomy: topic\n_id: housing\nname: Housing\n")
	waitFor(t, sub, logs, "the new topic", func(s *site.Site) bool { return s.TopicByID("housing") != nil })

	if err := os.Remove(filepath.Join(dir, "_data", "topics", "02-housing.yaml")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(Settle + Hold*3/5) // the first is held
	const rel = "_data/topics/01-economy.yaml"
	saveMovingAway(t, dir, rel, Hold*7/10) // the first's Hold ends while the second is gone
	for deadline := time.After(10 * time.Second); ; {
		select {
		case s := <-sub:
			tp := s.TopicByID("economy")
			if tp == nil {
				t.Fatalf("the topic saved left the configuration while the other's file was held\n%s", logs)
			}
			if tp.Name == "The Economy" && s.TopicByID("housing") == nil {
				return
			}
		case <-deadline:
			t.Fatalf("the delete and the new text did not take effect in 10 s\n%s", logs)
		}
	}
}

// mustRead returns the text of the file rel of dir.
func mustRead(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// saveInParts writes text to the file rel of dir in place, as scp or an
// editor writing a large file in chunks does: truncated, then each part
// after a pause, the file half-written in between.
func saveInParts(t *testing.T, dir, rel string, pause time.Duration, parts ...string) <-chan struct{} {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(rel)), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer f.Close()
		for i, part := range parts {
			if i > 0 {
				time.Sleep(pause)
			}
			if _, err := f.WriteString(part); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	return done
}

// TestConfigSavedInPartsIsTakenWhole saves _config.yml in parts while the
// hub runs, the file half-written for longer than Settle between two, as
// a save over a slow link is: parts ending at a line's end, each a
// configuration that reads, and a part ending in a line's value, which
// reads as one with a cut url and no settings after it. No configuration
// pushed lacks the settings the file keeps throughout, and the whole file
// is taken once written.
func TestConfigSavedInPartsIsTakenWhole(t *testing.T) {
	for _, c := range []struct {
		name  string
		pause time.Duration
		parts []string
	}{
		// Longer than Settle, shorter than two: two looks a Settle
		// apart see the file grow.
		{"at line ends", Settle * 5 / 4, []string{
			"title: Ballot Watch\nurl: https://hub.example.org\n",
			"baseurl: /election\nwebUrl: https://hub.example.org/election/\n",
			"locale: \"en-us\"\ntopic: Election\ntimezone: UTC\n"}},
		// Longer than Hold: the cut file is read, and not taken.
		{"in a value", Hold + 4*Settle, []string{
			"title: Ballot Watch\nurl: https://hub.exa",
			"mple.org\nbaseurl: /election\nwebUrl: https://hub.example.org/election/\nlocale: \"en-us\"\ntopic: Election\ntimezone: UTC\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newSite(t)
			w, _, sub, logs := start(t, dir)
			if s := w.Site(); s.Config.BaseURL != "/election" || s.Config.Timezone != "UTC" {
				t.Fatalf("to begin with: %+v", s.Config)
			}
			// Run under way, watching: the save's first part raises an
			// event, from which the looks are spaced.
			time.Sleep(Settle)
			done := saveInParts(t, dir, "_config.yml", c.pause, c.parts...)
			for deadline := time.After(15 * time.Second); ; {
				select {
				case s := <-sub:
					if s.Config.BaseURL != "/election" || s.Config.Timezone != "UTC" || s.Config.URL != "https://hub.example.org" {
						<-done
						t.Fatalf("a half-written _config.yml was taken: %+v\n%s", s.Config, logs)
					}
					if s.Config.Title == "Ballot Watch" {
						<-done
						return
					}
				case <-deadline:
					t.Fatalf("the whole file was not taken in 15 s: %+v\n%s", w.Site().Config, logs)
				}
			}
		})
	}
}
