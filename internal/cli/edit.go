package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/explain"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// editUsage is the synopsis of the edit subcommands.
const editUsage = `hide URL|PATH [--off-topic] | show URL|PATH | unhide URL|PATH | unshow URL|PATH | block-publisher DOMAIN | block-source URL |
    unblock DOMAIN|URL | move URL --to STORY|--out | merge STORY STORY | lead STORY URL |
    pin STORY --until TIME | unpin STORY | topic add|remove URL TOPIC | list   [--note TEXT] [--by NAME]`

// runEdit records an editorial decision in the site folder and applies it
// to the stored stories it touches at once; curation applies it from then
// on. STORY is a story id (s-…) or an article of the story.
func runEdit(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("edit")
	note := fs.String("note", "", "why, in a few words (kept with the decision)")
	by := fs.String("by", "", "who decides (default $NEWSHUB_EDITOR, else $USER)")
	offTopic := fs.Bool("off-topic", false, "hide: the article is off the hub's topic (a lesson for the topic gate)")
	to := fs.String("to", "", "move: the story to move the article into (a story id or an article of it)")
	out := fs.Bool("out", false, "move: take the article out of its story, into one of its own")
	until := fs.String("until", "", "pin: until when (2026-12-24, 2026-12-24T18:00:00Z, or a duration such as 48h)")
	sub, pos, err := parseSubcommand(env, fs, args, "missing subcommand",
		map[string]int{"hide": 1, "show": 1, "unhide": 1, "unshow": 1, "block-publisher": 1, "block-source": 1, "unblock": 1,
			"unblock-publisher": 1, "unblock-source": 1, "move": 1, "merge": 2, "lead": 2, "pin": 1, "unpin": 1,
			"topic": 3, "list": 0})
	if err != nil {
		return err
	}
	if sub != "pin" && *until != "" || sub != "move" && (*to != "" || *out) || sub != "hide" && *offTopic {
		return usageError("a flag given does not apply to %s", sub)
	}
	st, s, err := env.openHub(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if sub == "list" {
		return listDecisions(ctx, env, st, s)
	}
	e := &editor{env: env, st: st, site: s}
	d := model.Decision{Action: sub, Note: strings.TrimSpace(*note), By: *by, At: editorial.Now()}
	if d.By == "" {
		d.By = cmp.Or(env.Getenv("NEWSHUB_EDITOR"), env.Getenv("USER"))
	}
	switch sub {
	case "hide", "show", "unhide", "unshow":
		d.Article, err = e.article(ctx, pos[0], true)
		d.OffTopic = *offTopic && sub == "hide"
	case "block-publisher", "unblock-publisher":
		d.Publisher = strings.ToLower(pos[0])
	case "block-source", "unblock-source":
		d.Source, err = e.source(ctx, pos[0])
	case "unblock":
		if strings.Contains(pos[0], "://") {
			d.Action = editorial.UnblockSource
			d.Source, err = e.source(ctx, pos[0])
		} else {
			d.Action, d.Publisher = editorial.UnblockPublisher, strings.ToLower(pos[0])
		}
	case "move":
		err = e.move(ctx, &d, pos[0], *to, *out)
	case "merge":
		d.Story, d.StoryArticle, err = e.story(ctx, pos[1])
		if err == nil {
			d.Into, d.IntoArticle, err = e.story(ctx, pos[0])
		}
		if err == nil && d.Story == d.Into {
			err = fmt.Errorf("%s and %s are one story already", pos[0], pos[1])
		}
	case "lead":
		err = e.lead(ctx, &d, pos[0], pos[1])
	case "pin", "unpin":
		d.Story, d.StoryArticle, err = e.story(ctx, pos[0])
		if err == nil && sub == "pin" {
			d.Until, err = parseUntil(*until, time.Now())
		}
	case "topic":
		err = e.topic(ctx, &d, pos)
	}
	if err != nil {
		return err
	}
	log, err := editorial.Append(ctx, st, env.Site, d)
	if err != nil {
		return err
	}
	cur := curate.New(s, st, curate.Options{SiteDir: env.Site})
	sum, err := cur.Apply(ctx, []model.Decision{d})
	if err != nil {
		return fmt.Errorf("recorded as decision %d, but not applied yet (run curate): %w", log.Len(), err)
	}
	fmt.Fprintf(env.Stdout, "decision %d: %s\n", log.Len(), model.MaskURLs(editorial.Describe(d)))
	waits, err := explain.WaitsFor(ctx, st, d)
	if err != nil {
		return err
	}
	if waits != "" {
		// A decision taken before its article arrives applies when it does.
		fmt.Fprintf(env.Stdout, "not applied yet: %s\n", model.MaskURLs(waits))
	} else {
		fmt.Fprintf(env.Stdout, "applied: %d stories, %d articles, %d records written\n", sum.Stories, sum.Articles, sum.Changed)
	}
	return refreshNewsletters(ctx, st, env.Site, env.Stdout)
}

// editor resolves what an edit names.
type editor struct {
	env  *Env
	st   store.Store
	site *site.Site
}

// source returns the address of a listed source, or of one a decision
// names, that arg names, as it is or masked as sources list and edit list
// print it: a block is kept with the address the feed's articles carry,
// which a mask would not match.
func (e *editor) source(ctx context.Context, arg string) (string, error) {
	list, err := sources.Load(ctx, e.st, e.env.Site)
	if err != nil {
		return "", err
	}
	var known []string
	for _, s := range list.Sources() {
		known = append(known, s.URL)
	}
	log, err := editorial.Load(ctx, e.st, e.env.Site)
	if err != nil {
		return "", err
	}
	for _, d := range log.Decisions {
		if d.Source != "" {
			known = append(known, d.Source)
		}
	}
	return sources.ListedURL(known, arg)
}

// article returns the canonical URL of the article arg names (a URL or a
// record path). With unstored, a URL not stored yet is allowed (a
// decision taken before the article arrives).
func (e *editor) article(ctx context.Context, arg string, unstored bool) (string, error) {
	rec, err := explain.Find(ctx, e.st, e.env.Site, arg)
	if errors.Is(err, store.ErrNotFound) {
		// Ingest does not store a purged article again: a decision on it
		// would never apply, where "not stored yet" says it will.
		purged, perr := explain.PurgedSaying(ctx, e.st, arg)
		if perr != nil {
			return "", perr
		}
		if purged != "" {
			return "", fmt.Errorf("%s: no decision applies to it", purged)
		}
	}
	switch {
	case err == nil:
		return articleKey(rec), nil
	case errors.Is(err, store.ErrNotFound) && unstored && strings.Contains(arg, "://"):
		return curate.CanonicalURL(arg), nil // runEdit says it waits
	}
	return "", err
}

func articleKey(r *model.Record) string { return curate.KeyOf(r.Article) }

// story resolves a story named by its id or by an article of it: its id
// and the article that names it in the log (the one given, else its lead).
func (e *editor) story(ctx context.Context, arg string) (id, article string, err error) {
	if strings.HasPrefix(arg, "s-") && !strings.Contains(arg, "/") {
		members, err := e.st.Story(ctx, arg)
		if err != nil {
			return "", "", err
		}
		if len(members) == 0 {
			return "", "", fmt.Errorf("story %s: no such story in the store", arg)
		}
		return arg, articleKey(members[0]), nil
	}
	rec, err := explain.Find(ctx, e.st, e.env.Site, arg)
	if err != nil {
		return "", "", err
	}
	if rec.Article.Story == "" {
		return "", "", fmt.Errorf("%s has no story yet: run curate", arg)
	}
	return rec.Article.Story, articleKey(rec), nil
}

func (e *editor) move(ctx context.Context, d *model.Decision, arg, to string, out bool) error {
	var err error
	if d.Article, err = e.article(ctx, arg, false); err != nil {
		return err
	}
	switch {
	case out && to != "":
		return usageError("move: give --to STORY or --out, not both")
	case out:
		d.Out = true
	case to != "":
		d.Into, d.IntoArticle, err = e.story(ctx, to)
	default:
		return usageError("move: --to STORY or --out is required")
	}
	return err
}

func (e *editor) lead(ctx context.Context, d *model.Decision, story, arg string) error {
	id, _, err := e.story(ctx, story)
	if err != nil {
		return err
	}
	rec, err := explain.Find(ctx, e.st, e.env.Site, arg)
	if err != nil {
		return err
	}
	if rec.Article.Story != id {
		return fmt.Errorf("%s is in story %s, not %s: move it there first", arg, cmp.Or(rec.Article.Story, "(none)"), id)
	}
	d.Story, d.Article = id, articleKey(rec)
	return nil
}

func (e *editor) topic(ctx context.Context, d *model.Decision, pos []string) error {
	switch pos[0] {
	case "add":
		d.Action = editorial.TopicAdd
	case "remove":
		d.Action = editorial.TopicRemove
	default:
		return usageError("topic add|remove URL TOPIC, got %q", pos[0])
	}
	var err error
	if d.Article, err = e.article(ctx, pos[1], false); err != nil {
		return err
	}
	t := e.site.Topic(pos[2])
	if t == nil {
		return fmt.Errorf("no topic %q in the taxonomy", pos[2])
	}
	d.Topic = t.Name
	return nil
}

// parseUntil reads a pin's end: a date (midnight UTC), a date and time,
// or a duration from now.
func parseUntil(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, usageError("pin: --until TIME is required")
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d).UTC().Truncate(time.Second), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, usageError("--until %q: want a date (2026-12-24), a time (2026-12-24T18:00:00Z) or a duration (48h)", s)
}

// listDecisions prints the log, oldest first, and what is wrong in it.
func listDecisions(ctx context.Context, env *Env, st store.Store, s *site.Site) error {
	log, err := editorial.Load(ctx, st, env.Site)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tAT\tBY\tACTION\tWHAT\tNOTE")
	for i, d := range log.Decisions {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", i+1, d.At.UTC().Format("2006-01-02 15:04"), dash(d.By), d.Action,
			decisionTarget(d), dash(d.Note))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, err := range log.Invalid {
		fmt.Fprintf(env.Stderr, "%s (skipped)\n", model.MaskURLs(err.Error()))
	}
	for _, err := range log.UnknownTopics(s) {
		fmt.Fprintln(env.Stderr, model.MaskURLs(err.Error()))
	}
	waits, err := explain.Waiting(ctx, st, log)
	if err != nil {
		return err
	}
	for _, w := range waits {
		fmt.Fprintln(env.Stderr, model.MaskURLs(w.String()))
	}
	if len(log.Decisions) == 0 {
		fmt.Fprintln(env.Stderr, "no decisions; take one with: newshub edit hide URL")
	}
	return nil
}

// decisionTarget names what a decision applies to, in a line.
func decisionTarget(d model.Decision) string {
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+v)
		}
	}
	add("", d.Article)
	add("", d.Publisher)
	add("", model.MaskURL(d.Source))
	add("story ", d.Story)
	add("into ", d.Into)
	if d.Out {
		parts = append(parts, "out of its story")
	}
	add("topic ", d.Topic)
	if !d.Until.IsZero() {
		parts = append(parts, "until "+d.Until.UTC().Format("2006-01-02 15:04"))
	}
	if d.OffTopic {
		parts = append(parts, "off topic")
	}
	return strings.Join(parts, " ")
}
