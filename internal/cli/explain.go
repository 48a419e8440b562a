package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
)

// runExplain prints why an article got its topics, story, quality and heat.
func runExplain(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("explain")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one record path or article URL, got %d arguments", fs.NArg())
	}
	st, s, err := env.openHub(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rec, err := findArticle(ctx, st, env.Site, fs.Arg(0))
	if errors.Is(err, store.ErrNotFound) {
		// Not stored: say why, when a feed gave it and ingest left it out.
		if found, derr := explainDrop(ctx, env.Stdout, st, fs.Arg(0)); derr != nil || found {
			return derr
		}
	}
	if err != nil {
		return err
	}
	cur := curate.New(s, st, curate.Options{SiteDir: env.Site})
	ex, err := cur.Explain(ctx, rec)
	if err != nil {
		return err
	}
	scope, err := cur.ExplainScope(ctx, rec)
	if err != nil {
		return err
	}
	printExplain(env.Stdout, rec, ex)
	printPublication(env.Stdout, rec, ex, scope)
	return nil
}

// printPublication says whether the article is published and why: its
// topic decision and what editors decided about it.
func printPublication(w io.Writer, rec *model.Record, ex *model.Explain, scope []string) {
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

// findArticle finds a news record by URL (canonical URL or feed GUID), by
// site path, or by the path of its file on disk under the site folder.
func findArticle(ctx context.Context, st store.Store, siteDir, arg string) (*model.Record, error) {
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

// explainDrop prints why ingest did not store the feed item with the given
// link or GUID, from the last read of each source; it reports whether it
// found one.
func explainDrop(ctx context.Context, w io.Writer, st store.Store, arg string) (bool, error) {
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

func printExplain(w io.Writer, rec *model.Record, ex *model.Explain) {
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
