package cli

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// TestCurateSettlesInOneRun runs a whole-store `curate` twice in a row on
// an imported hub, nothing else changing between the two: the second run
// changes no record, and the store holds byte for byte what the first
// left. Publishers rated anew make many imported members leads and demote
// many imported leads, and a shorter window splits and joins stories, so
// the first run changes much; the second must find nothing left to do.
func TestCurateSettlesInOneRun(t *testing.T) {
	t.Parallel() // most of it waits on the curates it runs
	if testing.Short() {
		t.Skip("builds the binary and curates thousands of records")
	}
	bin := testutil.BuildBinary(t)
	base := importedSite(t, bin, 3000)
	curate := func(t *testing.T, site string, args []string) string {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"--site", site, "curate"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("curate: %v\n%s", err, out)
		}
		return string(out)
	}
	for _, tc := range []struct {
		name string
		// curated starts from the hub once curated with its settings,
		// which prepare may then change before the two runs.
		curated bool
		prepare func(t *testing.T, site string)
		args    []string
	}{
		{name: "imported", prepare: func(*testing.T, string) {}},
		{name: "half the publishers rated 140 after a curate", curated: true, prepare: rateHalfThePublishers},
		{name: "a window of 8h after a curate with 72h", curated: true, prepare: func(*testing.T, string) {},
			args: []string{"--window", "8h"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := base
			if tc.curated {
				from = curatedSite(t, bin, 3000)
			}
			site := copySite(t, from)
			tc.prepare(t, site)
			first := curate(t, site, tc.args)
			if changedRe.FindStringSubmatch(first) == nil {
				t.Fatalf("curate printed no count of records changed:\n%s", first)
			}
			before := storedRecords(t, site)
			again := curate(t, site, tc.args)
			m := changedRe.FindStringSubmatch(again)
			if m == nil {
				t.Fatalf("curate printed no count of records changed:\n%s", again)
			}
			if m[2] != "0" {
				t.Errorf("curate right after curate changed %s records, want 0\nfirst run: %ssecond run: %s", m[2], first, again)
			}
			after := storedRecords(t, site)
			diff := 0
			for _, p := range slices.Sorted(maps.Keys(before)) {
				if b, a := before[p], after[p]; b != a {
					if diff++; diff <= 5 {
						t.Errorf("%s changed in the second run: %s", p, firstDifference(b, a))
					}
				}
			}
			if diff > 0 || len(after) != len(before) {
				t.Errorf("the second run left %d of %d records otherwise (%d records after it)", diff, len(before), len(after))
			}
		})
	}
}

// changedRe reads the stories and the records changed from curate's
// summary line.
var changedRe = regexp.MustCompile(`(\d+) stories, \d+ leads, (\d+) records changed`)

// rateHalfThePublishers sets quality: 140 in every other organization
// record of the site, in name order, so that their articles outrank the
// leads of many imported stories.
func rateHalfThePublishers(t *testing.T, site string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(site, "_data", "organizations", "*.md"))
	if err != nil || len(files) < 2 {
		t.Fatalf("organization records: %v (%d)", err, len(files))
	}
	slices.Sort(files)
	re := regexp.MustCompile(`(?m)^quality: .*$`)
	for i, f := range files {
		if i%2 == 1 {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !re.Match(b) {
			t.Fatalf("%s sets no quality:\n%s", f, b)
		}
		if err := os.WriteFile(f, re.ReplaceAll(b, []byte("quality: 140")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// storedRecords returns, by path, each news record of the site's store as
// it holds it: its file's bytes, then its value (what curation keeps
// beside the file).
func storedRecords(t *testing.T, site string) map[string]string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(site, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]string{}
	err = st.ScanValues(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record, value []byte) error {
		out[r.Path] = string(r.Raw) + "\n" + string(value)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// firstDifference shows where two texts part: what each holds from a
// little before the first byte that differs.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-120)
	return fmt.Sprintf("at byte %d\n  was …%.300s\n  now …%.300s", i, a[from:], b[from:])
}

// importedSite returns a site of n generated articles, none old enough to
// be archived, imported with bin: a hub whose records came from files.
// It is made once per process and shared: callers copy it (copySite) and
// never change it.
func importedSite(t *testing.T, bin string, n int) string {
	t.Helper()
	return sharedSite(t, fmt.Sprintf("imported %d", n), func(t *testing.T, site string) {
		makeRetentionSite(t, site, n, "3650d", "", func(site string) {
			if out, err := exec.Command(bin, "--site", site, "import").CombinedOutput(); err != nil {
				t.Fatalf("import: %v\n%s", err, out)
			}
		})
	})
}

// curatedSite returns importedSite's site once curated with bin (the
// hub's settings), made once per process and shared as it is.
func curatedSite(t *testing.T, bin string, n int) string {
	t.Helper()
	imported := importedSite(t, bin, n)
	return sharedSite(t, fmt.Sprintf("curated %d", n), func(t *testing.T, site string) {
		copyTree(t, imported, site)
		if out, err := exec.Command(bin, "--site", site, "curate").CombinedOutput(); err != nil {
			t.Fatalf("curate: %v\n%s", err, out)
		}
	})
}

// sharedSites holds, by key, the sites made once per process, which the
// curate tests of thousands of records start from: making one (generate,
// import, curate) took as long as a test's cases.
var sharedSites sync.Map // key -> *onceSite

type onceSite struct {
	once sync.Once
	dir  string // the folder holding the site, removed by TestMain
	err  error
}

// sharedSite returns the site make makes once per process for key, at
// a path in a folder of its own that outlives the test.
func sharedSite(t *testing.T, key string, make func(t *testing.T, site string)) string {
	t.Helper()
	v, _ := sharedSites.LoadOrStore(key, &onceSite{})
	s := v.(*onceSite)
	s.once.Do(func() {
		// Left as it is if make fails t, for the tests after it.
		s.err = fmt.Errorf("not made: the first test to need it failed making it")
		dir, err := os.MkdirTemp("", "newshub-test-site-")
		if err != nil {
			s.err = err
			return
		}
		s.dir = dir
		make(t, filepath.Join(dir, "site"))
		s.err = nil
	})
	if s.err != nil {
		t.Fatalf("%s site: %v", key, s.err)
	}
	return filepath.Join(s.dir, "site")
}

// removeSharedSites removes the folders of the sites sharedSite made.
func removeSharedSites() {
	sharedSites.Range(func(_, v any) bool {
		if d := v.(*onceSite).dir; d != "" {
			os.RemoveAll(d)
		}
		return true
	})
}
