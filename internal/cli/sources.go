package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

// runSources manages the feeds in _data/sources.yaml.
func runSources(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("sources")
	provider := fs.String("provider", "", "add: the publisher's organization domain")
	topics := fs.String("topics", "", "add: topics the source assigns, comma separated")
	interval := fs.String("interval", "", "add: fixed fetch interval, e.g. 30m, 2h or 1d (default: adapts to the source)")
	disabled := fs.Bool("disabled", false, "add: list the source without fetching it")
	dedicated := fs.Bool("dedicated", false, "add, edit: every item of the source is on the hub's topic (edit --dedicated=false unmarks it)")
	sub, pos, err := parseSubcommand(env, fs, args, "missing subcommand",
		map[string]int{"list": 0, "add": 1, "edit": 1, "remove": 1, "pause": 1, "resume": 1, "import-opml": 1, "export-opml": 0})
	if err != nil {
		return err
	}
	if sub == "edit" {
		if err := editFlags(fs); err != nil {
			return err
		}
	}
	st, _, err := env.openHub(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := sources.Load(ctx, st, env.Site)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		return listSources(ctx, env, st, list)
	case "add":
		// An address pasted with spaces around it is listed without
		// them, as the admin area lists it: kept, it is fetched as
		// another address and the address itself is refused as listed.
		src := model.Source{URL: strings.TrimSpace(pos[0]), Provider: strings.ToLower(strings.TrimSpace(*provider)), Interval: *interval, Dedicated: *dedicated}
		for _, t := range strings.Split(*topics, ",") {
			if t = strings.TrimSpace(t); t != "" {
				src.Topics = append(src.Topics, t)
			}
		}
		if *disabled {
			off := false
			src.Enabled = &off
		}
		if err := addSource(ctx, st, env.Site, &src); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added %s\n", model.MaskURL(src.URL))
		n, err := sources.ForgetFailures(ctx, st, src.URL)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(env.Stdout, "the %d failures its address had before are forgotten: it is fetched at the next round\n", n)
		}
	case "import-opml":
		return importOPML(ctx, env, st, pos[0])
	case "export-opml":
		// The file moves the subscriptions: it keeps their addresses
		// whole, secrets included, as the help says.
		title := "newshub sources"
		if rec, err := st.Get(ctx, "_config.yml"); err == nil && rec.Config != nil && rec.Config.Title != "" {
			title = rec.Config.Title + " sources"
		}
		return sources.WriteOPML(env.Stdout, title, time.Now(), list.Sources())
	default:
		return changeSource(ctx, env, st, list, sub, pos[0], *dedicated)
	}
	return nil
}

// addSource adds src to the list, read again under its lock
// (sources.Change): a listed address as list prints it, masked, names
// that source, already listed, not a new one whose password is the mask.
// An address already listed is a usage error.
func addSource(ctx context.Context, st store.Store, siteDir string, src *model.Source) error {
	typed := src.URL
	err := sources.Change(ctx, st, siteDir, func(l *sources.List) error {
		src.URL = typed
		if l.Find(src.URL) < 0 {
			u, err := l.Named(src.URL)
			if err != nil {
				return err
			}
			src.URL = u
		}
		return l.Add(*src)
	})
	if fe := (*sources.FieldError)(nil); errors.As(err, &fe) {
		return usageError("%v", err)
	}
	return err
}

// changeSource edits, removes, pauses or resumes the listed source that
// named names, as it is or masked as list prints it; what it prints
// masks the address again. An edit or a removal is made to the list read
// again under its lock (sources.Change).
func changeSource(ctx context.Context, env *Env, st store.Store, list *sources.List, sub, named string, dedicated bool) error {
	u, err := list.Named(named)
	if err != nil {
		return err
	}
	shown := model.MaskURL(u)
	switch sub {
	case "edit":
		err := sources.Change(ctx, st, env.Site, func(l *sources.List) error {
			if !l.SetDedicated(u, dedicated) {
				return sources.NotListed(list, u)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if dedicated {
			fmt.Fprintf(env.Stdout, "dedicated %s\n", shown)
		} else {
			fmt.Fprintf(env.Stdout, "not dedicated %s\n", shown)
		}
		return sayStoredToJudge(ctx, env, st, u, dedicated)
	case "remove":
		err := sources.Change(ctx, st, env.Site, func(l *sources.List) error {
			if !l.Remove(u) {
				return sources.NotListed(list, u)
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "removed %s\n", shown)
	case "pause":
		if err := sources.Pause(ctx, st, env.Site, u); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "paused %s\n", shown)
	case "resume":
		if err := sources.Resume(ctx, st, env.Site, u); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "resumed %s\n", shown)
	}
	return nil
}

// editFlags checks the flags of edit: --dedicated, which it sets or
// clears, is the one a listed source's entry can change.
func editFlags(fs *flag.FlagSet) error {
	var given, other []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "dedicated" {
			given = append(given, f.Name)
		} else {
			other = append(other, "--"+f.Name)
		}
	})
	switch {
	case len(other) > 0:
		return usageError("edit changes --dedicated only, not %s", strings.Join(other, ", "))
	case len(given) == 0:
		return usageError("edit needs --dedicated or --dedicated=false")
	}
	return nil
}

// parseSubcommand parses a command's flags and its subcommand, one of
// want, with the number of arguments want gives it; missing is the usage
// error when none is named.
func parseSubcommand(env *Env, fs *flag.FlagSet, args []string, missing string, want map[string]int) (string, []string, error) {
	pos, err := parseInterspersed(env, fs, args)
	if err != nil {
		return "", nil, err
	}
	if len(pos) == 0 {
		return "", nil, usageError("%s", missing)
	}
	sub, pos := pos[0], pos[1:]
	n, ok := want[sub]
	if !ok {
		return "", nil, usageError("unknown subcommand %q", sub)
	}
	if len(pos) != n {
		return "", nil, usageError("%s takes %d argument(s), got %d", sub, n, len(pos))
	}
	return sub, pos, nil
}

// parseInterspersed parses flags given before, between or after the
// positional arguments ("add URL --provider x").
func parseInterspersed(env *Env, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := env.parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// importOPML adds the feeds of an OPML file to the list, read again
// under its lock (sources.Change).
func importOPML(ctx context.Context, env *Env, st store.Store, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	doc, err := sources.ReadOPML(f)
	if err != nil {
		// ReadOPML says "line N: ..."; report it as FILE:N: ...
		return fmt.Errorf("%s:%s", file, strings.TrimPrefix(err.Error(), "line "))
	}
	var r sources.Imported
	err = sources.Change(ctx, st, env.Site, func(l *sources.List) error {
		if r = l.Import(doc.Feeds); r.Added == 0 {
			return sources.ErrUnchanged
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Every outline left out is said, but for folders, whose feeds are
	// read and which the summary counts.
	left := map[string]int{}
	for _, s := range append(doc.Skipped, r.Rejected...) {
		left[s.Reason]++
		if s.Reason != sources.SkipFolder {
			fmt.Fprintf(env.Stderr, "%s:%d: %s: %s\n", file, s.Line, s.Reason, model.MaskURLs(s.Detail))
		}
	}
	bad := left[sources.SkipRefused]
	fmt.Fprintf(env.Stdout, "imported %d sources (%d already listed, %d rejected)", r.Added, r.Listed, bad)
	if parts := countsBy(left, sources.SkipRefused); len(parts) > 0 {
		fmt.Fprintf(env.Stdout, "; outlines left out: %s", strings.Join(parts, ", "))
	}
	fmt.Fprintln(env.Stdout)
	if bad > 0 {
		return errFailed
	}
	return nil
}

func listSources(ctx context.Context, env *Env, st store.Store, list *sources.List) error {
	all, err := sources.Statuses(ctx, st, list)
	if err != nil {
		return err
	}
	offTopic, err := offTopicBySource(ctx, st)
	if err != nil {
		return err
	}
	// Statuses and drops hold what feeds and their servers wrote; escaped
	// before the table is laid out, so its columns stay aligned.
	out := terminalText{env.Stdout}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	rows := terminalText{tw}
	fmt.Fprintln(rows, "URL\tPROVIDER\tENABLED\tLAST FETCH\tLAST STATUS\tITEMS\tOFF TOPIC\tLAST READ\tERRORS\tNEXT FETCH\tPAUSED")
	for _, ss := range all {
		src, s := ss.Source, ss.State
		status := "-"
		if ss.Known {
			status = clipStatus(s.LastStatus, 48)
		}
		next := "-"
		if t, ok := ss.NextFetch(); ok {
			next = "now"
			if !t.IsZero() {
				next = when(t)
			}
		}
		fmt.Fprintf(rows, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%s\t%s\n", model.MaskURL(src.URL), dash(src.Provider), yesNo(src.IsEnabled()),
			when(s.LastFetch), status, s.Items, offTopic[editorial.SourceKey(src.URL)], lastRead(s.LastRead), s.Errors, next, yesNo(s.Paused))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Below the table, per source, what its last read did not store and
	// why, and where its feed was malformed.
	for _, ss := range all {
		url, rep := model.MaskURL(ss.Source.URL), ss.State.LastRead
		if rep.Malformed != "" {
			fmt.Fprintf(out, "%s: %s\n", url, rep.Malformed)
		}
		if parts := countsBy(rep.NotStored, ""); len(parts) > 0 {
			fmt.Fprintf(out, "%s: not stored: %s\n", url, strings.Join(parts, ", "))
			for _, d := range rep.Drops {
				fmt.Fprintf(out, "  %s: %s%s\n", d.Reason, itemName(d), detail(d.Detail))
			}
		}
	}
	if len(all) == 0 {
		fmt.Fprintln(env.Stderr, "no sources; add one with: newshub sources add URL")
	}
	return nil
}

// lastRead sums up a source's last read: "50 items, 2 new (1 off topic)".
func lastRead(r store.ReadReport) string {
	if r.Items == 0 && r.New == 0 {
		return "-"
	}
	s := fmt.Sprintf("%d items, %d new", r.Items, r.New)
	if r.OffTopic > 0 {
		s += fmt.Sprintf(" (%d off topic)", r.OffTopic)
	}
	return s
}

// sayStoredToJudge tells how many stored articles of a feed just marked
// dedicated (or unmarked) curate judges again: their decisions stay as
// stored until then, withheld off topic (or on topic as dedicated), and
// the operator who marked the feed to publish them would see nothing
// change.
func sayStoredToJudge(ctx context.Context, env *Env, st store.Store, url string, dedicated bool) error {
	key, n := editorial.SourceKey(url), 0
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		if a == nil || a.Relevance == nil || editorial.SourceKey(a.Source) != key {
			return nil
		}
		if dedicated && a.Withheld == model.WithheldOffTopic || !dedicated && a.Relevance.Basis == "dedicated" {
			n++
		}
		return nil
	})
	switch {
	case err != nil:
		return fmt.Errorf("count its stored articles: %w", err)
	case n == 0:
	case dedicated:
		fmt.Fprintf(env.Stdout, "%s withheld as off topic %s on topic once curated (newshub curate)\n", storedOfIt(n), isAre(n))
	default:
		fmt.Fprintf(env.Stdout, "%s on topic as dedicated %s judged by the topic gate once curated (newshub curate)\n", storedOfIt(n), isAre(n))
	}
	return nil
}

// storedOfIt and isAre word n stored articles of a feed and their verb.
func storedOfIt(n int) string {
	if n == 1 {
		return "1 stored article of it"
	}
	return fmt.Sprintf("%d stored articles of it", n)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// offTopicBySource counts the stored articles withheld as off topic, by
// the feed they came from (editorial.SourceKey), as they stand now: what
// curation and editors decided since they arrived included. One withheld
// for another reason (an editor hid it, its publisher is blocked) counts
// when off topic all the same: an editor's hide --off-topic says the feed
// is broader than the gate found.
func offTopicBySource(ctx context.Context, st store.Store) (map[string]int, error) {
	out := map[string]int{}
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		if a == nil || a.Source == "" || a.Publishable() {
			return nil
		}
		if a.Relevance != nil && !a.Relevance.OnTopic {
			out[editorial.SourceKey(a.Source)]++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count off-topic articles: %w", err)
	}
	return out, nil
}

// itemName names a dropped item by its link, else its title or GUID.
func itemName(d store.Drop) string {
	switch {
	case d.URL != "":
		return d.URL
	case d.Title != "":
		return fmt.Sprintf("%q", d.Title)
	case d.GUID != "":
		return "GUID " + d.GUID
	}
	return "an item"
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func clipStatus(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
