// Package editorial keeps a hub's editorial decisions: the corrections
// editors make to what curation decides (hide or show an article, block a
// publisher or a feed, move an article between stories, merge stories,
// choose a story's lead, pin a story, add or remove a topic). Curation
// applies them on every run (internal/curate), so no later curation undoes
// them; `newshub edit` and the admin area write them through this package.
//
// # The log
//
// Decisions are kept in the site folder, in _data/decisions.yaml, so they
// travel with the site (git, backups, export and import), as an
// append-only list in the order they were taken:
//
//	decisions:
//	  - action: hide
//	    article: "https://example.org/2026/12/03/press-release"
//	    by: "ada"
//	    at: 2026-12-03T10:04:05Z
//	    note: "a press release, not news"
//
// Each entry has an action, what it applies to, who took it (by), when
// (at) and why (note). Articles are named by their canonical URL. A story
// is named twice: by the id it had when decided (story, into) and by an
// article of it (story_article, into_article), which keeps naming it when
// a later clustering gives the story another id; the id is used only when
// that article is gone.
//
//	action             fields
//	hide               article, off_topic (optional)
//	show               article
//	unhide             article
//	unshow             article
//	block-publisher    publisher (a domain: its subdomains too)
//	unblock-publisher  publisher
//	block-source       source (a feed's URL)
//	unblock-source     source
//	move               article, and into/into_article, or out: true
//	merge              story/story_article into into/into_article
//	lead               article (and story, for the record)
//	pin                story/story_article, until
//	unpin              story/story_article
//	topic-add          article, topic
//	topic-remove       article, topic
//
// A later decision on the same thing overrides an earlier one: show after
// hide shows, unhide after hide takes the hide back (the article is as it
// was before it: withheld still by a block or the gate, shown if an editor
// showed it), unshow after show takes the show back (as it was before it:
// withheld by the gate or a block, hidden if an editor hid it), unblock
// after block unblocks, the last lead chosen among a story's members
// leads, the last pin or unpin of a story holds.
//
// # What they do
//
// A hidden article, or one from a blocked publisher or feed, is withheld:
// stored, never published (model.Article.Withheld). "show" publishes an
// article whatever the topic gate or a block says. An editor's show is a
// lesson for the topic gate that the article is on topic; a hide is no
// lesson about the topic (an editor hides duplicates, spam and errors too)
// unless it is marked off_topic: true (`edit hide --off-topic`). A hub whose
// gate has nothing to go by (no keywords, no dedicated source) is not
// taught: a few lessons would close its gate before it could decide.
//
// # Bad input
//
// A file that is not YAML of this shape is refused as a whole with
// path:line: reason, and curation stops rather than publish what editors
// withheld. A single decision that does not hold what its action needs is
// skipped and reported as path:line: reason; the others apply.
package editorial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Path is the site path of the decisions log.
const Path = "_data/decisions.yaml"

// The actions of decisions.
const (
	Hide             = "hide"
	Show             = "show"
	Unhide           = "unhide"
	Unshow           = "unshow"
	BlockPublisher   = "block-publisher"
	UnblockPublisher = "unblock-publisher"
	BlockSource      = "block-source"
	UnblockSource    = "unblock-source"
	Move             = "move"
	Merge            = "merge"
	Lead             = "lead"
	Pin              = "pin"
	Unpin            = "unpin"
	TopicAdd         = "topic-add"
	TopicRemove      = "topic-remove"
)

// fields names the fields of a decision beside action, by, at and note.
type fields uint16

const (
	fArticle fields = 1 << iota
	fPublisher
	fSource
	fStory
	fInto
	fOut
	fTopic
	fUntil
	fOffTopic
)

// allowed lists, per action, the fields it may carry.
var allowed = map[string]fields{
	Hide:             fArticle | fOffTopic,
	Show:             fArticle,
	Unhide:           fArticle,
	Unshow:           fArticle,
	BlockPublisher:   fPublisher,
	UnblockPublisher: fPublisher,
	BlockSource:      fSource,
	UnblockSource:    fSource,
	Move:             fArticle | fInto | fOut,
	Merge:            fStory | fInto,
	Lead:             fArticle | fStory,
	Pin:              fStory | fUntil,
	Unpin:            fStory,
	TopicAdd:         fArticle | fTopic,
	TopicRemove:      fArticle | fTopic,
}

// Actions lists the actions a decision may take, in the order of the
// package comment.
func Actions() []string {
	return []string{Hide, Show, Unhide, Unshow, BlockPublisher, UnblockPublisher, BlockSource, UnblockSource,
		Move, Merge, Lead, Pin, Unpin, TopicAdd, TopicRemove}
}

// present returns the fields d sets.
func present(d *model.Decision) fields {
	var f fields
	for _, s := range []struct {
		on   bool
		flag fields
	}{
		{d.Article != "", fArticle}, {d.Publisher != "", fPublisher}, {d.Source != "", fSource},
		{d.Story != "" || d.StoryArticle != "", fStory}, {d.Into != "" || d.IntoArticle != "", fInto},
		{d.Out, fOut}, {d.Topic != "", fTopic}, {!d.Until.IsZero(), fUntil}, {d.OffTopic, fOffTopic},
	} {
		if s.on {
			f |= s.flag
		}
	}
	return f
}

var fieldNames = []struct {
	flag fields
	name string
}{
	{fArticle, "article"}, {fPublisher, "publisher"}, {fSource, "source"}, {fStory, "story"},
	{fInto, "into"}, {fOut, "out"}, {fTopic, "topic"}, {fUntil, "until"}, {fOffTopic, "off_topic"},
}

// Validate reports what is wrong with a decision, or nil: an unknown
// action, a field its action needs that is missing or malformed, a field
// that does not apply to it.
func Validate(d model.Decision) error {
	want, ok := allowed[d.Action]
	if !ok {
		if d.Action == "" {
			return errors.New("no action")
		}
		return fmt.Errorf("unknown action %q (want one of %s)", d.Action, strings.Join(Actions(), ", "))
	}
	if extra := present(&d) &^ want; extra != 0 {
		for _, f := range fieldNames {
			if extra&f.flag != 0 {
				return fmt.Errorf("%s: %s does not apply", d.Action, f.name)
			}
		}
	}
	if d.At.IsZero() {
		return fmt.Errorf("%s: at (when it was decided) is missing", d.Action)
	}
	need := func(have bool, what string) error {
		if !have {
			return fmt.Errorf("%s is missing", what)
		}
		return nil
	}
	var err error
	switch d.Action {
	case Hide, Show, Unhide, Unshow, Lead:
		err = articleURL("article", d.Article)
	case TopicAdd, TopicRemove:
		err = first(articleURL("article", d.Article), need(strings.TrimSpace(d.Topic) != "", "topic"))
	case BlockPublisher, UnblockPublisher:
		err = domain(d.Publisher)
	case BlockSource, UnblockSource:
		err = articleURL("source", d.Source)
	case Move:
		err = articleURL("article", d.Article)
		switch into := d.Into != "" || d.IntoArticle != ""; {
		case into && d.Out:
			err = first(err, errors.New("give into or out, not both"))
		case !into && !d.Out:
			err = first(err, errors.New("into (a story) or out is missing"))
		case into:
			err = first(err, optionalURL("into_article", d.IntoArticle))
		}
	case Merge:
		err = first(need(d.Story != "" || d.StoryArticle != "", "story"), optionalURL("story_article", d.StoryArticle),
			need(d.Into != "" || d.IntoArticle != "", "into"), optionalURL("into_article", d.IntoArticle))
	case Pin, Unpin:
		err = first(need(d.Story != "" || d.StoryArticle != "", "story"), optionalURL("story_article", d.StoryArticle))
		if d.Action == Pin {
			err = first(err, need(!d.Until.IsZero(), "until"))
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", d.Action, err)
	}
	return nil
}

// first returns the first error that is not nil: a decision is reported
// by its first fault, on its line.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// articleURL checks an absolute http(s) address.
func articleURL(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s is missing", field)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q: want an absolute http or https URL", field, s)
	}
	return nil
}

func optionalURL(field, s string) error {
	if s == "" {
		return nil
	}
	return articleURL(field, s)
}

// domain checks a publisher's domain: a host name, without scheme or path.
func domain(s string) error {
	switch {
	case s == "":
		return errors.New("publisher is missing")
	case strings.ContainsAny(s, "/:@ ") || !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, "."):
		return fmt.Errorf("publisher %q: want a domain such as example.org", s)
	}
	return nil
}

// Describe says in words what a decision did, as explain shows it:
// "hidden by ada on 2026-12-03: a press release, not news".
func Describe(d model.Decision) string {
	verb := map[string]string{
		Hide: "hidden", Show: "shown", Unhide: "hide taken back", Unshow: "show taken back", BlockPublisher: "publisher blocked", UnblockPublisher: "publisher unblocked",
		BlockSource: "source blocked", UnblockSource: "source unblocked", Move: "moved", Merge: "stories merged",
		Lead: "chosen as lead", Pin: "pinned", Unpin: "unpinned", TopicAdd: "topic added", TopicRemove: "topic removed",
	}[d.Action]
	switch d.Action {
	case Hide:
		if d.OffTopic {
			verb += " as off topic"
		}
	case BlockPublisher, UnblockPublisher:
		verb += " (" + d.Publisher + ")"
	case BlockSource, UnblockSource:
		verb += " (" + d.Source + ")"
	case Move:
		if d.Out {
			verb += " out of its story"
		} else {
			verb += " into story " + storyName(d.Into, d.IntoArticle)
		}
	case Merge:
		verb += " (" + storyName(d.Story, d.StoryArticle) + " into " + storyName(d.Into, d.IntoArticle) + ")"
	case Pin:
		verb += " until " + d.Until.UTC().Format("2006-01-02 15:04 MST")
	case TopicAdd, TopicRemove:
		verb += " (" + d.Topic + ")"
	}
	by := "an editor"
	if d.By != "" {
		by = d.By
	}
	s := fmt.Sprintf("%s by %s on %s", verb, by, d.At.UTC().Format("2006-01-02"))
	if d.Note != "" {
		s += ": " + d.Note
	}
	return s
}

func storyName(id, article string) string {
	if id != "" {
		return id
	}
	return "of " + article
}

// Log is a hub's decisions as read.
type Log struct {
	// From says where the log was read: the site folder's file, the
	// store's copy, or "" when the hub has none.
	From string
	// Raw is the file's bytes.
	Raw []byte
	// Decisions are the valid decisions, in file order.
	Decisions []model.Decision
	// Invalid says, for each decision left out, path:line: what is wrong.
	Invalid []error
	// total is the number of decisions in the file, valid or not.
	total int
}

// Len returns the number of decisions in the file, valid or not.
func (l *Log) Len() int { return l.total }

// Parse reads a decisions file. An error is a *content.ParseError (the
// file is not a decisions list); decisions that are not valid are left
// out and listed in Invalid.
func Parse(path string, data []byte) (*Log, error) {
	rec, err := ParseRecord(path, data)
	if err != nil {
		return nil, err
	}
	return fromRecord(path, rec), nil
}

// ParseRecord reads a decisions file read at path as the record the store
// keeps. An error is a *content.ParseError naming path.
func ParseRecord(path string, data []byte) (*model.Record, error) {
	rec, err := content.Parse(Path, data)
	if err != nil {
		var pe *content.ParseError
		if errors.As(err, &pe) {
			pe.Path = path
			return nil, pe
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rec, nil
}

func fromRecord(from string, rec *model.Record) *Log {
	l := &Log{From: from, Raw: rec.Raw}
	if rec.Decisions == nil {
		return l
	}
	l.total = len(rec.Decisions.Decisions)
	for _, d := range rec.Decisions.Decisions {
		if err := Validate(d); err != nil {
			l.Invalid = append(l.Invalid, fmt.Errorf("%s:%d: %w", from, d.Line, err))
			continue
		}
		l.Decisions = append(l.Decisions, d)
	}
	return l
}

// UnknownTopics says, for each topic-add naming a topic the hub's
// taxonomy lacks (by name and by id), path:line: what is wrong. Such a
// decision is valid (the taxonomy may gain the topic, or have dropped it
// since) but adds nothing: a topic misspelt in a hand-edited log would
// otherwise go unsaid.
func (l *Log) UnknownTopics(hub *site.Site) []error {
	var errs []error
	for _, d := range l.Decisions {
		if d.Action == TopicAdd && hub.Topic(d.Topic) == nil {
			errs = append(errs, fmt.Errorf("%s:%d: %s: no topic %q in the taxonomy, so it adds nothing", l.From, d.Line, d.Action, d.Topic))
		}
	}
	return errs
}

// File returns where a site keeps its decisions.
func File(siteDir string) string { return filepath.Join(siteDir, filepath.FromSlash(Path)) }

// Load reads a hub's decisions: the site folder's file, which is the
// source of truth (an edit takes effect without an import), else the copy
// the store holds (a hub imported or copied without its folder), else
// none.
func Load(ctx context.Context, st store.Store, siteDir string) (*Log, error) {
	return (*Cache)(nil).Load(ctx, st, siteDir)
}

// Cache keeps the log last read from a site folder's file, for a process
// that reads it again and again (curation at every ingest round, the
// admin area at every page): a file unchanged since costs a read of its
// bytes, where parsing a busy hub's tens of thousands of decisions costs
// a third of a second. The zero Cache is ready, and safe for concurrent
// use; the logs it returns are shared and not to be changed.
type Cache struct {
	mu  sync.Mutex
	log *Log
}

// Load is Load, which a nil Cache calls.
func (c *Cache) Load(ctx context.Context, st store.Store, siteDir string) (*Log, error) {
	if siteDir != "" {
		file := File(siteDir)
		data, err := os.ReadFile(file)
		switch {
		case err == nil:
			return c.parse(file, data)
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("decisions: %w", err)
		}
	}
	if st == nil {
		return &Log{}, nil
	}
	rec, err := st.Get(ctx, Path)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &Log{}, nil
	case err != nil:
		return nil, fmt.Errorf("decisions: %w", err)
	case rec.Decisions == nil:
		return nil, fmt.Errorf("decisions: the store holds a %s record at %s", rec.Kind, Path)
	}
	// The store's copy was read from a file once: its lines still hold.
	// Cached as the file is: curation reads it twice a batch.
	again, err := c.parse("store:"+Path, rec.Raw)
	if err != nil {
		return fromRecord("store:"+Path, rec), nil
	}
	return again, nil
}

// parse parses the file's bytes, or returns the log last parsed from
// the same bytes of the same file.
func (c *Cache) parse(file string, data []byte) (*Log, error) {
	if c == nil {
		return Parse(file, data)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.log != nil && c.log.From == file && bytes.Equal(c.log.Raw, data) {
		return c.log, nil
	}
	log, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	c.log = log
	return log, nil
}

// Memo keeps what a process makes of the log last given (the rules
// Compile makes of it, the admin area's index of it), made again only for
// another log: a Cache gives the same *Log while its file keeps its
// bytes, where compiling a busy hub's log costs a tenth of a second at
// every use. The zero Memo is ready, and safe for concurrent use.
type Memo[T any] struct {
	mu sync.Mutex
	of *Log
	v  T
}

// Of returns what build made of log, calling it again only when log is
// another than the one it was last called with.
func (m *Memo[T]) Of(log *Log, build func(*Log) T) T {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.of != log {
		m.of, m.v = log, build(log)
	}
	return m.v
}

// Now is when a decision is taken, to the second (the log's precision).
func Now() time.Time { return time.Now().UTC().Truncate(time.Second) }
