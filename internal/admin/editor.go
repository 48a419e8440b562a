package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/explain"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

// Decision is an editorial decision, as the hub's decisions log keeps it
// (package editorial), and as the area's forms take it: By is the
// signed-in account, At the time to the second.
type Decision = model.Decision

// The actions of decisions, and the fields each needs: the log's.
const (
	Hide             = editorial.Hide             // Article (OffTopic)
	Show             = editorial.Show             // Article
	Unhide           = editorial.Unhide           // Article
	Unshow           = editorial.Unshow           // Article
	BlockPublisher   = editorial.BlockPublisher   // Publisher
	UnblockPublisher = editorial.UnblockPublisher // Publisher
	BlockSource      = editorial.BlockSource      // Source
	UnblockSource    = editorial.UnblockSource    // Source
	Move             = editorial.Move             // Article, and Into or Out
	Merge            = editorial.Merge            // Story into Into
	Lead             = editorial.Lead             // Article, Story
	Pin              = editorial.Pin              // Story, Until
	Unpin            = editorial.Unpin            // Story
	TopicAdd         = editorial.TopicAdd         // Article, Topic
	TopicRemove      = editorial.TopicRemove      // Article, Topic
)

// Editor keeps and applies editorial decisions: every decision form of
// the area goes through it.
type Editor interface {
	// Apply takes a decision: it is kept in the hub's decisions log and
	// takes effect on the published hub. An error says what went wrong:
	// the decision was refused and nothing kept, or it was kept but not
	// applied yet (the next curation applies it); the page shows it.
	Apply(ctx context.Context, d Decision) error
	// Log returns the log as read, with the lines of its decisions and
	// what is wrong with each one left out as invalid (one written by
	// hand), as path:line: reason. The same log (pointer) while the log
	// is the same lets the area keep what it makes of it (editorial.Memo).
	Log(ctx context.Context) (*editorial.Log, error)
}

// Durations a story may be pinned for, as the form offers them.
var pinDurations = map[string]time.Duration{"6h": 6 * time.Hour, "24h": 24 * time.Hour, "72h": 72 * time.Hour, "168h": 168 * time.Hour}

const maxNote = 300

// decide takes the decision a form posted, then sends the browser back.
func (h *Handler) decide(w http.ResponseWriter, r *http.Request, s session) {
	back := r.PostFormValue("back")
	if back == "" {
		back = Prefix + "decisions/"
	}
	if h.cfg.Editor == nil {
		h.done(w, r, s, back, flash{Text: "Editorial decisions are not available on this server.", Error: true})
		return
	}
	ds, err := h.decisions(r, s)
	var done *errDone
	switch {
	case errors.As(err, &done):
		h.done(w, r, s, back, flash{Text: done.Error()})
		return
	case err != nil:
		h.done(w, r, s, back, refused(r, "Not done: "+err.Error(), err))
		return
	}
	for i, d := range ds {
		if err := h.cfg.Editor.Apply(r.Context(), d); err != nil {
			h.log.Warn("admin: decision refused", "user", s.user, "action", d.Action, "err", model.MaskURLs(err.Error()))
			msg := "Not done: " + err.Error()
			if i > 0 {
				msg = fmt.Sprintf("Done for %d of %d articles, then refused: %v", i, len(ds), err)
			}
			h.done(w, r, s, back, refused(r, msg, err))
			return
		}
		h.log.Info("admin: decision", "user", s.user, "action", d.Action, "article", d.Article, "story", d.Story,
			"publisher", d.Publisher, "source", model.MaskURL(d.Source))
	}
	msg := "Done: " + describe(ds[0])
	if len(ds) > 1 {
		msg = fmt.Sprintf("Done: %s, and %d more.", describe(ds[0]), len(ds)-1)
	}
	h.done(w, r, s, back, flash{Text: msg})
}

// typedFields are the fields of the decision forms an editor types in,
// by action: the name each posts and its element id.
var typedFields = map[string]struct{ name, id string }{
	Hide: {"note", "hide-note"}, Move: {"into", "move-into"}, Merge: {"into", "merge-into"},
}

// refused is the message of a decision refused for err: the form's typed
// field is filled in again, and marked when err is about it.
func refused(r *http.Request, msg string, err error) flash {
	f := flash{Text: msg, Error: true}
	if tf, ok := typedFields[r.PostFormValue("action")]; ok {
		f.Typed = map[string]string{tf.id: r.PostFormValue(tf.name)}
		f.Field = fieldOf(err)
	}
	return f
}

// typedError is err about the field name of the form of action, tied to
// it when an editor types in it.
func typedError(action, name string, err error) error {
	if tf, ok := typedFields[action]; ok && tf.name == name {
		return &fieldError{id: tf.id, err: err}
	}
	return err
}

// decisions reads the decisions a form posted: one, or with all=1 on a
// hide, show, unhide or unshow of a story, one per article of the story.
func (h *Handler) decisions(r *http.Request, s session) ([]Decision, error) {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	at := h.now().UTC().Truncate(time.Second)
	d := Decision{
		Action: f("action"), Article: f("article"), Publisher: strings.ToLower(f("publisher")), Source: f("source"),
		Story: f("story"), Into: f("into"), Out: f("out") == "1", Topic: f("topic"), OffTopic: f("off_topic") == "1",
		By: s.user, At: at, Note: f("note"),
	}
	if len([]rune(d.Note)) > maxNote {
		return nil, typedError(d.Action, "note", fmt.Errorf("the note is longer than %d characters", maxNote))
	}
	need := map[string][]string{
		Hide: {"article"}, Show: {"article"}, Unhide: {"article"}, Unshow: {"article"}, Lead: {"article", "story"}, TopicAdd: {"article", "topic"},
		TopicRemove: {"article", "topic"}, BlockPublisher: {"publisher"}, UnblockPublisher: {"publisher"},
		BlockSource: {"source"}, UnblockSource: {"source"}, Move: {"article"}, Merge: {"story", "into"},
		Pin: {"story", "for"}, Unpin: {"story"},
	}
	fields, ok := need[d.Action]
	if !ok {
		return nil, fmt.Errorf("unknown action %s", model.Quoted(d.Action))
	}
	all := f("all") == "1" && (d.Action == Hide || d.Action == Show || d.Action == Unhide || d.Action == Unshow)
	for _, k := range fields {
		if f(k) == "" && !(k == "article" && all) {
			return nil, typedError(d.Action, k, fmt.Errorf("%s: %s is missing", d.Action, k))
		}
	}
	for _, u := range []string{d.Article, d.Source} {
		if u != "" && !absoluteURL(u) {
			return nil, fmt.Errorf("%s: %s is not an absolute http or https URL", d.Action, model.QuotedURL(u))
		}
	}
	if d.Source != "" {
		var err error
		if d.Source, err = h.knownSource(r.Context(), d.Source); err != nil {
			return nil, err
		}
	}
	switch d.Action {
	case Move:
		if d.Into == "" && !d.Out {
			return nil, typedError(Move, "into", errors.New("move: give a story to move into, or move out"))
		}
		if d.Into != "" && d.Out {
			return nil, errors.New("move: give a story to move into, or move out")
		}
	case Merge:
		if d.Into == d.Story {
			return nil, typedError(Merge, "into", errors.New("merge: a story cannot be merged into itself"))
		}
	case Pin:
		dur, ok := pinDurations[f("for")]
		if !ok {
			return nil, fmt.Errorf("pin: unknown duration %s", model.Quoted(f("for")))
		}
		d.Until = at.Add(dur)
	}
	ctx := r.Context()
	if err := h.known(ctx, &d); err != nil {
		return nil, err
	}
	var members []*model.Record
	if d.Story != "" {
		var err error
		if members, err = h.cfg.Store.Story(ctx, d.Story); err != nil {
			return nil, err
		}
		if len(members) == 0 && f("story_article") != "" {
			// The story has another id since (merged away, clustered
			// anew): the article the decision named it by finds it, as
			// curation does.
			if d.Story, members, err = h.storyOf(ctx, f("story_article"), d.Story); err != nil {
				return nil, err
			}
		}
		if len(members) == 0 {
			return nil, fmt.Errorf("story %s has no articles", model.Quoted(d.Story))
		}
		d.StoryArticle = canonical(members[0].Article)
		if d.Action == Lead {
			if err := h.inStory(ctx, d.Article, d.Story, members); err != nil {
				return nil, err
			}
		}
	}
	if d.Into != "" {
		into, err := h.cfg.Store.Story(ctx, d.Into)
		if err != nil {
			return nil, err
		}
		if len(into) == 0 {
			return nil, typedError(d.Action, "into", fmt.Errorf("story %s has no articles", model.Quoted(d.Into)))
		}
		d.IntoArticle = canonical(into[0].Article)
	}
	out := []Decision{d}
	if all {
		out = perArticle(d, members)
		if len(out) == 0 {
			return nil, fmt.Errorf("%s: story is missing", d.Action)
		}
	}
	ed, err := h.standing(ctx)
	if err != nil {
		return nil, err
	}
	if err := ed.staleForm(out, keysOf(members), f("seen")); err != nil {
		return nil, err
	}
	return out, nil
}

// perArticle returns d, taken on a whole story, as one decision per
// article of its members, as the log keeps them.
func perArticle(d Decision, members []*model.Record) []Decision {
	out := make([]Decision, 0, len(members))
	for _, m := range members {
		one := d
		one.Article, one.Story, one.StoryArticle = canonical(m.Article), "", ""
		out = append(out, one)
	}
	return out
}

// knownSource returns the address of a listed source, or of one a
// decision names, that u names, as it is or masked as the pages show it
// (see listedURL): a block is kept with the address the feed's articles
// carry, which a mask would not match.
func (h *Handler) knownSource(ctx context.Context, u string) (string, error) {
	l, err := sources.Load(ctx, h.cfg.Store, h.cfg.SiteDir)
	if err != nil {
		return "", err
	}
	known := addresses(l)
	ed, err := h.standing(ctx)
	if err != nil {
		return "", err
	}
	for _, d := range ed.log {
		if d.Source != "" {
			known = append(known, d.Source)
		}
	}
	return listedURL(known, u)
}

// known checks what a decision on an article names, as edit does: the
// article is not one retention purged (a page read before it went posts
// one), which ingest never stores again; one a move or topic edit names
// is stored; a topic added is one of the hub's, given by its name or id
// and kept by its name. A topic removed need not be: an imported record
// may carry one the taxonomy no longer has. A lead's article is checked
// against its story's members (inStory).
func (h *Handler) known(ctx context.Context, d *Decision) error {
	if d.Article == "" || d.Action == Lead {
		return nil
	}
	_, err := h.cfg.Store.ArticleByURL(ctx, curate.CanonicalURL(d.Article))
	if errors.Is(err, store.ErrNotFound) {
		purged, perr := explain.PurgedSaying(ctx, h.cfg.Store, d.Article)
		switch {
		case perr != nil:
			return perr
		case purged != "":
			return fmt.Errorf("%s: %s: reload the page", d.Action, purged)
		case d.Action == Move || d.Action == TopicAdd || d.Action == TopicRemove:
			return fmt.Errorf("%s: no article %s is stored: reload the page", d.Action, model.QuotedURL(d.Article))
		}
		return nil // a decision taken before the article arrives
	}
	switch {
	case err != nil:
		return err
	case d.Action != TopicAdd:
		return nil
	}
	hub, err := h.hub(ctx)
	if err != nil {
		return err
	}
	t := hub.Topic(d.Topic)
	if t == nil {
		return fmt.Errorf("%s: no topic %s in the taxonomy", d.Action, model.Quoted(d.Topic))
	}
	d.Topic = t.Name
	return nil
}

// storyOf returns the story the article at u is in now and its members,
// or id and none when it is in none.
func (h *Handler) storyOf(ctx context.Context, u, id string) (string, []*model.Record, error) {
	rec, err := h.cfg.Store.ArticleByURL(ctx, curate.CanonicalURL(u))
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && (rec.Article == nil || rec.Article.Story == ""):
		return id, nil, nil
	case err != nil:
		return "", nil, err
	}
	members, err := h.cfg.Store.Story(ctx, rec.Article.Story)
	return rec.Article.Story, members, err
}

// inStory checks that the article a lead names is a member of the story:
// a page read before another editor moved it out (or merged its story
// away) posts a lead that would not lead the story, yet be kept, and lead
// whatever story the article joined later.
func (h *Handler) inStory(ctx context.Context, article, story string, members []*model.Record) error {
	key := curate.CanonicalURL(article)
	for _, m := range members {
		if canonical(m.Article) == key {
			return nil
		}
	}
	now := "no story"
	if rec, err := h.cfg.Store.ArticleByURL(ctx, key); err == nil && rec.Article.Story != "" {
		now = "story " + rec.Article.Story
	}
	return fmt.Errorf("lead: %s is not in story %s (it is in %s now): reload the story's page", article, story, now)
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// keysOf returns the keys decisions name the articles of recs by.
func keysOf(recs []*model.Record) []string {
	keys := make([]string, len(recs))
	for i, r := range recs {
		keys[i] = canonical(r.Article)
	}
	return keys
}

// canonical names an article as decisions do: by its canonical URL.
func canonical(a *model.Article) string {
	if a.CanonicalURL != "" {
		return a.CanonicalURL
	}
	if a.OriginalURL != "" {
		return curate.CanonicalURL(a.OriginalURL)
	}
	return curate.CanonicalURL(a.WebURL)
}

// describe says what a decision does, for the message after it.
func describe(d Decision) string {
	switch d.Action {
	case Hide, Show, Unhide, Unshow, Lead:
		return fmt.Sprintf("%s %s", d.Action, d.Article)
	case TopicAdd, TopicRemove:
		return fmt.Sprintf("%s %q on %s", d.Action, d.Topic, d.Article)
	case BlockPublisher, UnblockPublisher:
		return fmt.Sprintf("%s %s", d.Action, d.Publisher)
	case BlockSource, UnblockSource:
		return fmt.Sprintf("%s %s", d.Action, d.Source)
	case Move:
		if d.Out {
			return fmt.Sprintf("moved %s out of its story", d.Article)
		}
		return fmt.Sprintf("moved %s into story %s", d.Article, d.Into)
	case Merge:
		return fmt.Sprintf("merged story %s into %s", d.Story, d.Into)
	case Pin:
		return fmt.Sprintf("pinned story %s until %s", d.Story, when(d.Until))
	case Unpin:
		return fmt.Sprintf("unpinned story %s", d.Story)
	}
	return d.Action
}

// standing is what the decisions taken so far say of the things the
// pages show, as curation reads them (editorial.Rules): a later decision
// on the same thing overrides an earlier one.
type standing struct {
	rules  *editorial.Rules
	latest map[string]int // index of the last decision on each thing
	log    []Decision
}

// target names what a decision is about, for "a later decision on the
// same thing".
func target(d Decision) string {
	switch d.Action {
	case Hide, Show, Unhide, Unshow:
		return "article " + d.Article
	case BlockPublisher, UnblockPublisher:
		return "publisher " + d.Publisher
	case BlockSource, UnblockSource:
		return "source " + d.Source
	case Pin, Unpin:
		return "story " + d.Story + " " + d.StoryArticle
	}
	return ""
}

func fold(log *editorial.Log) *standing {
	ds := log.Decisions
	e := &standing{rules: editorial.Compile(ds, curate.CanonicalURL), latest: map[string]int{}, log: ds}
	for i, d := range ds {
		if t := target(d); t != "" {
			e.latest[t] = i
		}
	}
	return e
}

// hidden reports whether an editor's hide of the article holds.
func (e *standing) hidden(article string) bool {
	a := e.rules.Article(curate.CanonicalURL(article))
	return a != nil && a.Hidden != nil
}

// shown reports whether an editor's show of the article holds.
func (e *standing) shown(article string) bool {
	a := e.rules.Article(curate.CanonicalURL(article))
	return a != nil && a.Shown != nil
}

// blockedPublisher reports whether the publisher at domain (or a parent
// domain) is blocked.
func (e *standing) blockedPublisher(domain string) bool {
	_, ok := e.rules.Publisher(domain)
	return ok
}

// blockedSource reports whether the feed at url is blocked.
func (e *standing) blockedSource(url string) bool {
	_, ok := e.rules.Source(url)
	return ok
}

// pinned returns until when a story (by id or lead) is pinned, or zero.
func (e *standing) pinned(id, lead string, now time.Time) time.Time {
	if until, _, ok := e.rules.Pin(id, []string{curate.CanonicalURL(lead)}); ok && until.After(now) {
		return until
	}
	return time.Time{}
}

// standing reads the decisions taken; without an Editor, none. What a
// log says is folded once per log read: every page asks.
func (h *Handler) standing(ctx context.Context) (*standing, error) {
	if h.cfg.Editor == nil {
		return fold(&editorial.Log{}), nil
	}
	log, err := h.cfg.Editor.Log(ctx)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	return h.folded.Of(log, fold), nil
}

// decisionRow is a line of the decisions page.
type decisionRow struct {
	Decision
	Undo *Decision // the decision that undoes it, while it is the last on its thing
	Seen string    // what the page shows of its thing: it, as the last (seenOf)
}

// undoOf returns the decision that undoes d, or nil. A hide is taken
// back by an unhide, not a show: a show would publish the article whatever
// a block or the gate says, and teach the gate it is on topic. A show is
// taken back by an unshow, not a hide, which would withhold an article the
// gate publishes.
func undoOf(d Decision) *Decision {
	inverse := map[string]string{Hide: Unhide, Show: Unshow, BlockPublisher: UnblockPublisher, BlockSource: UnblockSource, Pin: Unpin}
	a, ok := inverse[d.Action]
	if !ok {
		return nil
	}
	u := Decision{Action: a, Article: d.Article, Publisher: d.Publisher, Source: d.Source, Story: d.Story, StoryArticle: d.StoryArticle}
	return &u
}

// decisionsPerPage is the length of a page of the decisions list: a
// busy hub's log holds tens of thousands.
const decisionsPerPage = 100

func (h *Handler) decisionsPage(w http.ResponseWriter, r *http.Request, s session) {
	ctx := r.Context()
	log := &editorial.Log{}
	if h.cfg.Editor != nil {
		var err error
		if log, err = h.cfg.Editor.Log(ctx); err != nil {
			h.failErr(w, r, s, fmt.Errorf("decisions: %w", err))
			return
		}
	}
	pg, ok := h.pageOf(w, r, s, "decisions", len(log.Decisions), decisionsPerPage)
	if !ok {
		return
	}
	var data struct {
		Rows []decisionRow
		// Skipped names the log's invalid decisions, which the page would
		// otherwise leave out unsaid, as curate and edit list name them;
		// Waiting those of the page naming an article or story not
		// stored, which do nothing yet.
		Skipped, Waiting []string
		Pager            pager
	}
	data.Pager = pg
	// Newest first: the page's decisions are a slice of the log's end.
	ed := h.folded.Of(log, fold)
	hi := len(log.Decisions) - pg.offset()
	shown := log.Decisions[max(hi-decisionsPerPage, 0):hi]
	for i, d := range slices.Backward(shown) {
		row := decisionRow{Decision: d}
		if t := target(d); t != "" && ed.latest[t] == hi-len(shown)+i {
			row.Undo, row.Seen = undoOf(d), seenOf(d, true)
		}
		data.Rows = append(data.Rows, row)
	}
	for _, err := range log.Invalid {
		data.Skipped = append(data.Skipped, model.MaskURLs(err.Error()))
	}
	waits, err := explain.Waiting(ctx, h.cfg.Store, &editorial.Log{From: log.From, Decisions: shown})
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	for _, wt := range waits {
		data.Waiting = append(data.Waiting, model.MaskURLs(wt.String()))
	}
	title := "Decisions"
	if pg.Page > 1 {
		title = fmt.Sprintf("Decisions, page %d", pg.Page)
	}
	h.show(w, r, s, "decisions", title, data)
}
