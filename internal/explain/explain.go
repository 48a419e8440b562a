// Package explain tells why an article got its topics, story, quality and
// heat, whether it is published (its topic decision, editors' decisions),
// and why a feed item was not stored: what `newshub explain` prints
// and the admin area shows.
package explain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Run writes to w why arg (an article's URL, site path or file under
// siteDir) got its values, and returns its record. For a feed item ingest
// did not store, it writes why not and returns a nil record; for anything
// else, an error wrapping store.ErrNotFound.
func Run(ctx context.Context, w io.Writer, st store.Store, s *site.Site, siteDir, arg string) (*model.Record, error) {
	rec, err := Find(ctx, st, siteDir, arg)
	if errors.Is(err, store.ErrNotFound) {
		// Not stored: say why, when retention purged it, and when a feed
		// gave it and ingest left it out.
		purged, perr := Purged(ctx, w, st, arg)
		if perr != nil {
			return nil, perr
		}
		found, derr := Drops(ctx, w, st, arg)
		if derr != nil {
			return nil, derr
		}
		header := arg + " is not stored yet\n"
		if found || purged {
			header = ""
		}
		waits, werr := writeWaits(ctx, w, st, siteDir, curate.CanonicalURL(arg), header)
		if werr != nil || found || purged || waits {
			return nil, werr
		}
	}
	if err != nil {
		return nil, err
	}
	cur := curate.New(s, st, curate.Options{SiteDir: siteDir})
	ex, err := cur.Explain(ctx, rec)
	if err != nil {
		return nil, err
	}
	scope, err := cur.ExplainScope(ctx, rec)
	if err != nil {
		return nil, err
	}
	Write(w, rec, ex)
	WritePublication(w, rec, ex, scope)
	if _, err := writeWaits(ctx, w, st, siteDir, curate.KeyOf(rec.Article), "\nwaiting:\n"); err != nil {
		return nil, err
	}
	return rec, nil
}

// writeWaits writes, after header, the decisions of the hub's log on the
// article with the canonical URL key that wait for something not stored;
// it reports whether there were any.
func writeWaits(ctx context.Context, w io.Writer, st store.Store, siteDir, key, header string) (bool, error) {
	log, err := editorial.Load(ctx, st, siteDir)
	if err != nil {
		return false, err
	}
	waits, err := Waiting(ctx, st, log)
	if err != nil {
		return false, err
	}
	n := 0
	for _, wt := range waits {
		if wt.Article != key {
			continue
		}
		if n++; n == 1 {
			io.WriteString(w, header)
		}
		fmt.Fprintf(w, "  %s\n", wt)
	}
	return n > 0, nil
}

// WritePublication writes whether the article is published and why: its
// topic decision and what editors decided about it.
func WritePublication(w io.Writer, rec *model.Record, ex *model.Explain, scope []string) {
	a := rec.Article
	state := "may be published"
	if a.Withheld != "" {
		state = "withheld from publication: " + withheldWords[a.Withheld]
	}
	fmt.Fprintf(w, "\npublication: %s\n", state)
	if !a.PinnedUntil.IsZero() {
		fmt.Fprintf(w, "  pinned to the top until %s\n", a.PinnedUntil.UTC().Format("2006-01-02 15:04 MST"))
	}
	if len(ex.Editor) > 0 {
		fmt.Fprintf(w, "\neditors:\n")
		for _, l := range ex.Editor {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	fmt.Fprintf(w, "\ntopic scope:\n")
	for _, l := range scope {
		fmt.Fprintf(w, "  %s\n", l)
	}
}

var withheldWords = map[string]string{
	model.WithheldOffTopic:  "off the hub's topic",
	model.WithheldHidden:    "hidden by an editor",
	model.WithheldPublisher: "its publisher is blocked",
	model.WithheldSource:    "its source is blocked",
}

// Find finds a news record by URL (canonical URL or feed GUID), by site
// path, or by the path of its file on disk under the site folder.
func Find(ctx context.Context, st store.Store, siteDir, arg string) (*model.Record, error) {
	var tries []func() (*model.Record, error)
	if strings.Contains(arg, "://") {
		tries = append(tries,
			func() (*model.Record, error) { return st.ArticleByURL(ctx, curate.CanonicalURL(arg)) },
			func() (*model.Record, error) { return st.ArticleByURL(ctx, arg) })
	} else {
		p := filepath.ToSlash(filepath.Clean(arg))
		tries = append(tries, func() (*model.Record, error) { return st.Get(ctx, p) })
		if rel, err := filepath.Rel(siteDir, arg); err == nil && !strings.HasPrefix(rel, "..") {
			rel = filepath.ToSlash(rel)
			tries = append(tries, func() (*model.Record, error) { return st.Get(ctx, rel) })
		}
	}
	for _, try := range tries {
		rec, err := try()
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if rec.Kind != model.KindNews || rec.Article == nil {
			return nil, fmt.Errorf("%s is a %s record, not news", arg, rec.Kind)
		}
		return rec, nil
	}
	return nil, fmt.Errorf("%s: no such article in the store: %w", arg, store.ErrNotFound)
}

// Drops writes why ingest did not store the feed item with the given link
// or GUID, from the last read of each source; it reports whether it found
// one.
func Drops(ctx context.Context, w io.Writer, st store.Store, arg string) (bool, error) {
	states, err := st.SourceStates(ctx)
	if err != nil {
		return false, err
	}
	key := curate.CanonicalURL(arg)
	found := false
	for _, s := range states {
		for _, d := range s.LastRead.Drops {
			if d.GUID != arg && d.URL != arg && (d.URL == "" || curate.CanonicalURL(d.URL) != key) {
				continue
			}
			if !found {
				fmt.Fprintf(w, "%s was not stored\n", arg)
				found = true
			}
			fmt.Fprintf(w, "  %s: item of %s, read %s%s\n", d.Reason, s.URL, when(s.LastSuccess), detail(d.Detail))
			if d.Title != "" {
				fmt.Fprintf(w, "  title: %s\n", d.Title)
			}
		}
	}
	return found, nil
}

// Purged writes when and from where the article known by the URL
// or GUID was purged; it reports whether it was.
func Purged(ctx context.Context, w io.Writer, st store.Store, arg string) (bool, error) {
	ts, ok, err := Tombstone(ctx, st, arg)
	if !ok {
		return false, err
	}
	fmt.Fprintf(w, "%s was purged on %s from %s\n", arg, when(ts.PurgedAt), ts.Path)
	fmt.Fprintf(w, "  an unpublished duplicate older than purge_after: ingest does not store it again\n")
	return true, nil
}

// PurgedSaying says that the article known by the URL or GUID arg was
// purged, and when: ingest never stores it again, so no editor's decision
// on it would apply. It is "" when the article was not purged.
func PurgedSaying(ctx context.Context, st store.Store, arg string) (string, error) {
	ts, ok, err := Tombstone(ctx, st, arg)
	if !ok {
		return "", err
	}
	return fmt.Sprintf("%s was purged on %s (an unpublished duplicate older than purge_after) and is not stored again",
		arg, when(ts.PurgedAt)), nil
}

// Tombstone returns what the store keeps of the article known by the URL
// or GUID arg, when retention purged it.
func Tombstone(ctx context.Context, st store.Store, arg string) (store.Tombstone, bool, error) {
	for _, key := range []string{curate.CanonicalURL(arg), arg} {
		ts, err := st.Tombstone(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return store.Tombstone{}, false, err
		}
		return ts, true, nil
	}
	return store.Tombstone{}, false, nil
}

// Write writes an article's explanation: its story, quality, topics and
// heat, each with the reasons curation gave.
func Write(w io.Writer, rec *model.Record, ex *model.Explain) {
	a := rec.Article
	fmt.Fprintf(w, "%s\n  %s\n", rec.Path, a.Title)
	if a.CanonicalURL != "" {
		fmt.Fprintf(w, "  canonical URL: %s\n", a.CanonicalURL)
	}
	fmt.Fprintf(w, "\nstory: %s\n  %s\n", orNone(a.Story), ex.Story)
	fmt.Fprintf(w, "\nquality: %d\n", a.Quality)
	for _, l := range ex.Quality {
		fmt.Fprintf(w, "  %s\n", l)
	}
	fmt.Fprintf(w, "\ntopics: %s\n", strings.Join(a.Topics, ", "))
	for _, l := range ex.Topics {
		fmt.Fprintf(w, "  %s\n", l)
	}
	state := "not published (not the lead of its story)"
	if a.Withheld != "" {
		state = "not published (withheld, see below)"
	}
	if a.Published {
		state = "published (lead of its story)"
	}
	fmt.Fprintf(w, "\nheat: %d, %s\n  %s\n", a.Heat, state, ex.Heat)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
