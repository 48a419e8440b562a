// Package model holds the types that flow through newshub: the records of a
// site (news, people, events, learning, newsletters, topics, organizations,
// the site configuration) and the values curation computes for them.
//
// The types mirror Smartable's front-matter fields. A Record ties one file of
// a site to its decoded value and to the exact bytes that represent it, so an
// unchanged record is written back byte for byte.
package model

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind names the collection a record belongs to.
type Kind string

// The record kinds of a site, named after their collections.
const (
	KindNews         Kind = "news"          // _news/*.md and _archive/news/*.md
	KindPerson       Kind = "person"        // _people/<slug>.md
	KindPeopleList   Kind = "people-list"   // _people/collections/<slug>.md
	KindEvent        Kind = "event"         // _events/*.md
	KindLearning     Kind = "learning"      // _learning/<type>/*.md: articles, videos, courses, books...
	KindLearningList Kind = "learning-list" // _learning/collections/*.md
	KindNewsletter   Kind = "newsletter"    // _newsletters/*.html
	KindTopic        Kind = "topic"         // _data/topics/NN-<id>.yaml
	KindOrganization Kind = "organization"  // _data/organizations/<domain>.md
	KindConfig       Kind = "config"        // _config.yml
	KindSources      Kind = "sources"       // _data/sources.yaml
	KindDecisions    Kind = "decisions"     // _data/decisions.yaml
	// KindOpaque is a file of the site that newshub keeps without reading
	// it: a collection it does not model (_challenges/, _forms/...), a data
	// file it does not use, a file of another format inside a collection.
	// Its bytes are exported as they are; it is never published.
	KindOpaque Kind = "opaque"
)

// Record is one file of a site: its site-relative path (slash separated, e.g.
// "_news/2021-06-27-slug.md"), its kind, its bytes and its decoded value.
// Exactly one of the typed pointers is set, the one matching Kind.
//
// Raw is always the current file representation of the record: the content
// package keeps it in step when a field changes, so exporting is writing Raw.
type Record struct {
	Path string
	Kind Kind
	Raw  []byte

	// Version is the store's version of the record when it was read: the
	// store gives every write of a record a new one, never reused. A writer
	// that computed the record from what it read writes it back with
	// store.Store.UpsertIfUnchanged, which refuses it when the stored
	// record no longer has this version: it never overwrites what another
	// writer committed in between. Zero means the record was not read from
	// a store (a file, a feed item).
	Version int64

	Article      *Article
	Person       *Person
	Event        *Event
	Learning     *Learning
	Newsletter   *Newsletter
	Topic        *Topic
	Organization *Organization
	Config       *Config
	Sources      *Sources
	Decisions    *Decisions
	Opaque       *Opaque
}

// Image is a picture attached to a record. Width and Height are pixels; 0
// means unknown. IsCached is nil when the field is absent.
type Image struct {
	URL      string `json:"url"`
	Width    int    `json:"width,omitempty"`
	Height   int    `json:"height,omitempty"`
	IsCached *bool  `json:"isCached,omitempty"`
	Title    string `json:"title,omitempty"`
}

// Provider is the publisher of an article, event or learning resource.
type Provider struct {
	Name   string  `json:"name"`
	Domain string  `json:"domain"`
	Images []Image `json:"images,omitempty"`
	// Makers, when a record names them, are who made what the provider
	// offers. Behind a pointer, as few records name any (books, courses)
	// while every news article in memory holds a Provider: read them with
	// PublisherList and AuthorList, set them with SetPublishers and
	// SetAuthors, which never change a Makers another copy shares.
	*Makers
}

// Makers are who made what a provider offers, as Smartable's records give
// them under provider: the university that teaches a course on Coursera,
// the authors of a book sold on Amazon.
type Makers struct {
	Publishers []Party `json:"publishers,omitempty"`
	Authors    []Party `json:"authors,omitempty"`
}

// PublisherList returns the provider's publishers, nil for none.
func (p Provider) PublisherList() []Party {
	if p.Makers == nil {
		return nil
	}
	return p.Makers.Publishers
}

// AuthorList returns the provider's authors, nil for none.
func (p Provider) AuthorList() []Party {
	if p.Makers == nil {
		return nil
	}
	return p.Makers.Authors
}

// SetPublishers sets the provider's publishers.
func (p *Provider) SetPublishers(ps []Party) { p.setMakers(func(m *Makers) { m.Publishers = ps }, ps) }

// SetAuthors sets the provider's authors.
func (p *Provider) SetAuthors(ps []Party) { p.setMakers(func(m *Makers) { m.Authors = ps }, ps) }

// setMakers applies set to a new copy of the provider's makers, so that
// a copy of the provider sharing them keeps its own; none are made for
// an empty list.
func (p *Provider) setMakers(set func(*Makers), ps []Party) {
	if p.Makers == nil && len(ps) == 0 {
		return
	}
	var m Makers
	if p.Makers != nil {
		m = *p.Makers
	}
	set(&m)
	if len(m.Publishers) == 0 && len(m.Authors) == 0 {
		p.Makers = nil
		return
	}
	p.Makers = &m
}

// Party is an organization or person a provider names: a publisher or an
// author of what it offers. Domain and Images may be empty.
type Party struct {
	Name   string  `json:"name"`
	Domain string  `json:"domain,omitempty"`
	Images []Image `json:"images,omitempty"`
}

// Link returns the address readers follow to the article: its webUrl, or
// its originalUrl when the record gives no webUrl (Smartable's video news
// give only originalUrl; in its other records the two are the same).
func (a *Article) Link() string {
	if a.WebURL != "" {
		return a.WebURL
	}
	return a.OriginalURL
}

// Article is a news record (_news/ or _archive/news/).
//
// The first group of fields are Smartable's; the second group are newshub's
// own, kept in the database rather than in the file.
type Article struct {
	Category          string    `json:"category"`
	Title             string    `json:"title"`
	Excerpt           string    `json:"excerpt"`
	PublishedDateTime time.Time `json:"publishedDateTime"`
	OriginalURL       string    `json:"originalUrl"`
	WebURL            string    `json:"webUrl"`
	AmpWebURL         string    `json:"ampWebUrl,omitempty"`
	CdnAmpWebURL      string    `json:"cdnAmpWebUrl,omitempty"`
	Type              string    `json:"type"`
	Quality           int       `json:"quality"`
	Heat              int       `json:"heat"`
	Published         bool      `json:"published"`
	// FeaturedContent is what Smartable's video news embed: the player's
	// HTML (a YouTube iframe), as the record gives it.
	FeaturedContent string    `json:"featuredContent,omitempty"`
	Provider        Provider  `json:"provider"`
	Topics          []string  `json:"topics"`
	Images          []Image   `json:"images,omitempty"`
	Related         []Related `json:"related,omitempty"`
	Secured         string    `json:"secured,omitempty"`

	// Has records which curated fields the record carried when it was read,
	// so curation fills only what is missing (see curate).
	Has Curated `json:"has"`

	// newshub's additions, stored beside the record.
	Archived     bool      `json:"archived,omitempty"`     // lives under _archive/news/
	CanonicalURL string    `json:"canonicalUrl,omitempty"` // curate.CanonicalURL of OriginalURL
	GUID         string    `json:"guid,omitempty"`         // feed item id, when ingested; else its page's own address (see ingest)
	Story        string    `json:"story,omitempty"`        // story cluster id
	FetchedAt    time.Time `json:"fetchedAt,omitzero"`     // when ingest first saw it
	Explain      *Explain  `json:"explain,omitempty"`      // why curation decided what it did
	// Source is the URL of the feed the article was ingested from ("" for
	// a record read from a file).
	Source string `json:"source,omitempty"`
	// Relevance is the topic gate's decision (or an editor's) on whether
	// the article is on the hub's topic.
	Relevance *Relevance `json:"relevance,omitempty"`
	// Withheld says why the article is stored but not published (one of
	// the Withheld... reasons); "" means it may be published. Curation
	// never makes a withheld article a story's lead nor lists it in a
	// lead's related coverage.
	Withheld string `json:"withheld,omitempty"`
	// PinnedUntil is set on the lead of a story an editor pinned to the
	// top of the hub: the hub ranks it first until then.
	PinnedUntil time.Time `json:"pinnedUntil,omitzero"`
	// HeldRelated are the entries of Related (of an article that is not
	// its story's lead) taken out while the members they name are
	// withheld, each with its place in the whole list, so a hide taken
	// back or a block lifted lists them again where they were.
	HeldRelated []HeldRelated `json:"heldRelated,omitempty"`
	// MemberRelated is the related list (its held entries back in place)
	// the lead had as a member of its story before it was made the lead,
	// nil for a lead never a member: an editor's decision taken back that
	// makes it a member again lists that again, as it was.
	MemberRelated *[]Related `json:"memberRelated,omitempty"`
	// CuratedRelated is set on an article demoted from a lead it had been
	// since it was stored (never a member before it led): its related
	// list, as a member, is the coverage curation gave it as the lead, cut
	// to its story, not coverage its record came with. Such a list ties no
	// stories together.
	CuratedRelated bool `json:"curatedRelated,omitempty"`
}

// HeldRelated is a related entry kept out of an article's list, and its
// index in the list with every held entry back in it.
type HeldRelated struct {
	At int `json:"at"`
	Related
}

// Reasons an article is withheld from publication (Article.Withheld).
const (
	WithheldOffTopic  = "off-topic"         // the topic gate found it off the hub's topic
	WithheldHidden    = "hidden"            // an editor hid it
	WithheldPublisher = "blocked-publisher" // an editor blocked its publisher
	WithheldSource    = "blocked-source"    // an editor blocked the feed it came from
)

// Publishable reports whether the article may be published: it is not
// withheld.
func (a *Article) Publishable() bool { return a.Withheld == "" }

// PinnedAt reports whether the article is pinned to the top at time t.
func (a *Article) PinnedAt(t time.Time) bool { return t.Before(a.PinnedUntil) }

// Relevance is a decision on whether an article is on the hub's topic.
type Relevance struct {
	OnTopic bool    `json:"onTopic"`
	Score   float64 `json:"score"` // estimated probability it is on topic, 0…1
	// Basis is what the decision rests on: "editor", "dedicated",
	// "everything", "story", "keyword" or "model" (see curate/scope).
	Basis   string   `json:"basis"`
	Reasons []string `json:"reasons,omitempty"`
	// Own is the gate's own decision on the article alone, when the one
	// above rests on something else (its story, an editor, a dedicated
	// source); nil otherwise.
	Own *Relevance `json:"own,omitempty"`
}

// Curated says which curated fields an article's record carried.
type Curated struct {
	Quality   bool `json:"quality,omitempty"`
	Heat      bool `json:"heat,omitempty"`
	Published bool `json:"published,omitempty"`
	Topics    bool `json:"topics,omitempty"`
}

// Related is one entry of an article's related coverage.
type Related struct {
	Title             string    `json:"title"`
	Excerpt           string    `json:"excerpt"`
	PublishedDateTime time.Time `json:"publishedDateTime"`
	WebURL            string    `json:"webUrl"`
	AmpWebURL         string    `json:"ampWebUrl,omitempty"`
	CdnAmpWebURL      string    `json:"cdnAmpWebUrl,omitempty"`
	Type              string    `json:"type"`
	Provider          Provider  `json:"provider"`
	Quality           int       `json:"quality"`
	Images            []Image   `json:"images,omitempty"`
}

// Explain records, in words, why curation gave an article its values.
type Explain struct {
	Topics  []string `json:"topics,omitempty"`  // e.g. "Donald Trump: keyword \"trump\" in title"
	Story   string   `json:"story,omitempty"`   // e.g. "joined story s-12: similarity 0.61 with ..."
	Quality []string `json:"quality,omitempty"` // each term of the score
	Heat    string   `json:"heat,omitempty"`    // e.g. "105 + 20 x 1 related = 125"
	// Editor lists what editors' decisions did to the article, e.g.
	// "hidden by an editor on 2026-12-03: duplicate press release".
	Editor []string `json:"editor,omitempty"`
}

// Twitter is a person's Twitter account.
type Twitter struct {
	Username  string `json:"username"`
	URL       string `json:"url"`
	Followers int    `json:"followers"`
}

// Person is a profile (_people/<slug>.md) or a people collection
// (_people/collections/<slug>.md, Type "collection", with Items).
type Person struct {
	Name     string `json:"name"`
	Bio      string `json:"bio"`
	Location string `json:"location,omitempty"`
	Type     string `json:"type"`
	Heat     int    `json:"heat"`
	// Affiliation is the organization the person works for, written
	// like a provider (name, domain, images).
	Affiliation *Provider `json:"affiliation,omitempty"`
	Website     string    `json:"website,omitempty"`
	Twitter     *Twitter  `json:"twitter,omitempty"`
	LinkedIn    *Channel  `json:"linkedin,omitempty"`
	YouTube     *Channel  `json:"youtube,omitempty"`
	Facebook    *Channel  `json:"facebook,omitempty"`
	Items       []string  `json:"items,omitempty"`
	Topics      []string  `json:"topics"`
	Images      []Image   `json:"images,omitempty"`
	Secured     string    `json:"secured,omitempty"`
}

// Channel is a social account given by URL (LinkedIn, YouTube, Facebook).
type Channel struct {
	URL         string `json:"url"`
	Subscribers int    `json:"subscribers,omitempty"`
}

// Event is an event record (_events/YYYY-MM-DD-<slug>.md).
type Event struct {
	Name            string    `json:"name"`
	Excerpt         string    `json:"excerpt"`
	OriginalURL     string    `json:"originalUrl"`
	Type            string    `json:"type"`
	StartDateTime   time.Time `json:"startDateTime"`
	EndDateTime     time.Time `json:"endDateTime"`
	Location        string    `json:"location,omitempty"`
	Provider        *Provider `json:"provider,omitempty"`
	Topics          []string  `json:"topics"`
	Images          []Image   `json:"images,omitempty"`
	FeaturedContent string    `json:"featuredContent,omitempty"`
}

// Learning is a learning resource (_learning/articles, _learning/videos, any
// other folder of _learning such as courses or books, which names its kind) or a
// learning collection (_learning/collections, Type "collection", with Items
// such as "videos/<slug>").
type Learning struct {
	Title       string `json:"title"`
	Excerpt     string `json:"excerpt"`
	OriginalURL string `json:"originalUrl,omitempty"`
	// WebURL is the resource's own address as Smartable's later hubs give
	// it for books, courses and communities (webUrl:, with no
	// originalUrl); Smartable's API then gave it as the item's webUrl.
	WebURL            string    `json:"webUrl,omitempty"`
	Type              string    `json:"type"`
	Price             string    `json:"price,omitempty"`
	Length            string    `json:"length,omitempty"`
	PublishedDateTime time.Time `json:"publishedDateTime,omitzero"`
	Ratings           *Ratings  `json:"ratings,omitempty"`
	Heat              int       `json:"heat"`
	FeaturedContent   string    `json:"featuredContent,omitempty"`
	Provider          *Provider `json:"provider,omitempty"`
	Items             []string  `json:"items,omitempty"`
	Levels            []string  `json:"levels,omitempty"` // Beginner, Intermediate, Advanced
	Topics            []string  `json:"topics"`
	Images            []Image   `json:"images,omitempty"`
	Secured           string    `json:"secured,omitempty"`
}

// Ratings is what readers gave a book or course: how many rated it and
// their average (4.6 of 5).
type Ratings struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

// URL returns the address of the resource itself: originalUrl, or the
// webUrl a record gives in its place.
func (l *Learning) URL() string {
	if l.OriginalURL != "" {
		return l.OriginalURL
	}
	return l.WebURL
}

// Newsletter is a daily issue (_newsletters/*.html): front matter and an
// HTML body.
type Newsletter struct {
	Title             string    `json:"title"`
	Excerpt           string    `json:"excerpt"`
	PublishedDateTime time.Time `json:"publishedDateTime"`
	WebURL            string    `json:"webUrl"`
	Type              string    `json:"type"`
	Topics            []string  `json:"topics"`
	Body              string    `json:"body"`
	// Mailing is newshub's account of mailing the issue, kept in the
	// store and not in the record's file; nil when it was never mailed.
	Mailing *Mailing `json:"mailing,omitempty"`
	// Composed is the issue as newshub composed it (the newsletter
	// package's model, as JSON text), kept in the store and not in the record's
	// file, so that the issue can be written again without an article
	// withheld since, and with it once it may be published again; nil for
	// an issue newshub did not compose.
	Composed string `json:"composed,omitempty"`
	// Withdrawn lists the articles (canonical URLs) of Composed that the
	// issue leaves out, withheld from publication since it was composed.
	Withdrawn []string `json:"withdrawn,omitempty"`
}

// Mailing is what became of mailing an issue: the addresses done with
// (the server took the issue, or refused it for good) are not sent it
// again; those it put off (a 4xx reply, a connection lost) are tried
// again at Next, by whichever process runs the hub's schedule then, with
// the subject and text part they were to get (the HTML part is the
// record's body).
type Mailing struct {
	Done    []string  `json:"done,omitempty"`
	Pending []string  `json:"pending,omitempty"`
	Tries   int       `json:"tries,omitempty"` // sends tried of the pending addresses
	Next    time.Time `json:"next,omitzero"`
	Subject string    `json:"subject,omitempty"` // while addresses are pending
	Text    string    `json:"text,omitempty"`    // while addresses are pending
}

// Highlight is the colour badge of a topic (voice topics carry one).
type Highlight struct {
	TextColor       string `json:"textColor"`
	BackgroundColor string `json:"backgroundColor"`
}

// Topic is one entry of the taxonomy (_data/topics/NN-<id>.yaml). Order is
// the NN prefix of the file name.
type Topic struct {
	Taxonomy  string     `json:"taxonomy"`
	ID        string     `json:"_id"`
	Name      string     `json:"name"`
	Shortname string     `json:"shortname,omitempty"`
	Parent    string     `json:"parent,omitempty"`
	Keywords  []string   `json:"keywords,omitempty"`
	Hashtags  []string   `json:"hashtags,omitempty"`
	Images    []string   `json:"images,omitempty"`
	Services  []Service  `json:"services,omitempty"`
	Highlight *Highlight `json:"highlight,omitempty"`
	Order     int        `json:"order"`
}

// Service is one named API endpoint of a topic, in file order.
type Service struct {
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
}

// Organization is a publisher (_data/organizations/<domain>.md). Voice names
// the voice topic its articles carry (e.g. "Democratic Voice"); Quality is
// the publisher's prior for the quality score (0 when unset).
type Organization struct {
	Taxonomy string  `json:"taxonomy"`
	ID       string  `json:"_id"`
	Name     string  `json:"name"`
	Domain   string  `json:"domain"`
	Images   []Image `json:"images,omitempty"`
	Voice    string  `json:"voice,omitempty"`
	Quality  int     `json:"quality,omitempty"`
}

// Config is the site configuration (_config.yml). Only the keys newshub
// reads are decoded; the file keeps every other key.
type Config struct {
	Title                string `json:"title"`
	URL                  string `json:"url"`
	BaseURL              string `json:"baseurl"`
	WebURL               string `json:"webUrl"`
	Locale               string `json:"locale"`
	Topic                string `json:"topic"`
	Timezone             string `json:"timezone,omitempty"`
	NewsPageSize         int    `json:"news_page_size,omitempty"`
	RelatedLimit         int    `json:"related_limit,omitempty"`
	AllowPrivateNetworks bool   `json:"allow_private_networks,omitempty"`
	StoryWindow          string `json:"story_window,omitempty"` // e.g. "72h"
	// NewsletterTime is when the daily newsletter is written, "HH:MM" in
	// Timezone; empty means no scheduled issues.
	NewsletterTime string `json:"newsletter_time,omitempty"`
	SMTP           *SMTP  `json:"smtp,omitempty"` // nil: issues are not mailed
	// ArchiveAfter is the age (see ParseAge) past which a story's news
	// moves to _archive/news/; empty means DefaultArchiveAfter, "off" never.
	ArchiveAfter string `json:"archive_after,omitempty"`
	// PurgeAfter is the age past which unpublished duplicates (the other
	// members of a story than its lead) are deleted, their addresses kept
	// so that no feed brings them back; empty or "off" means never.
	PurgeAfter string `json:"purge_after,omitempty"`
}

// SMTP is the mail server newsletter issues are sent through and the list
// they go to (_config.yml smtp:).
type SMTP struct {
	Host         string   `json:"host"`
	Port         int      `json:"port,omitempty"` // 0 means DefaultSMTPPort
	Username     string   `json:"username,omitempty"`
	Password     string   `json:"password,omitempty"`
	PasswordFile string   `json:"password_file,omitempty"` // relative to the site folder
	From         string   `json:"from"`
	To           []string `json:"to"`
	StartTLS     *bool    `json:"starttls,omitempty"` // nil means true
}

// DefaultSMTPPort is the mail submission port.
const DefaultSMTPPort = 587

// UseStartTLS reports whether the connection must be upgraded with
// STARTTLS before anything is sent.
func (s *SMTP) UseStartTLS() bool { return s.StartTLS == nil || *s.StartTLS }

// ParseClock reads a local time of day written "HH:MM" (24-hour clock) and
// returns it in minutes after midnight.
func ParseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' || !isDigits(s[:2]) || !isDigits(s[3:]) {
		return 0, fmt.Errorf("%s is not a time of day HH:MM", Quoted(s))
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%s is not a time of day HH:MM (00:00 to 23:59)", Quoted(s))
	}
	return h*60 + m, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Opaque is what newshub knows of a file it keeps without reading: the
// collection it belongs to, the first folder of its path ("_challenges").
type Opaque struct {
	Collection string `json:"collection"`
}

// Collection returns the collection of a site path: its first folder, or
// the path itself for a file at the top of the site.
func Collection(path string) string {
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return path
}

// Off is the value of an age setting that turns its rule off.
const Off = "off"

// ParseAge reads an age setting such as archive_after: a whole number of
// days ("30d", "30 days"), weeks ("2w", "2 weeks"), months ("6mo", "6
// months", 30 days each) or years ("1y", "1 year", 365 days each), or a
// Go duration ("36h"; "240s" where a test compresses a hub's months into
// minutes), or "off". It returns 0 for "off". A number of "m" alone
// ("6m") is an error rather than six minutes: a news hub's operator means
// months by it.
func ParseAge(s string) (time.Duration, error) {
	if s == Off {
		return 0, nil
	}
	d, err := parseCalendar(s)
	if errors.Is(err, errNotCalendar) {
		d, err = parseSpan(s)
	}
	switch {
	case errors.Is(err, errTooLong):
		return 0, fmt.Errorf("%s is not an age: %w", Quoted(s), err)
	case err != nil:
		return 0, fmt.Errorf("%s is not an age: want days (30d), weeks (2w), months (6mo), years (1y), hours (36h) or off", Quoted(s))
	case d <= 0:
		return 0, fmt.Errorf("%s is not an age: want more than nothing, or off", Quoted(s))
	case onlyMinutes.MatchString(s):
		return 0, fmt.Errorf("%s is not an age: minutes or months? write months as %smo, minutes as %ss", Quoted(s), strings.TrimSuffix(s, "m"), strconv.FormatFloat(d.Seconds(), 'f', -1, 64))
	}
	return d, nil
}

// onlyMinutes matches a number of "m", which reads as minutes to Go and
// as months to most people.
var onlyMinutes = regexp.MustCompile(`^\+?[0-9]+(?:\.[0-9]*)?m$`)

// calendarUnits are the units of an age beyond days and weeks' letters,
// in days: written out, or "mo" and "y".
var calendarUnits = map[string]int{
	"d": 1, "day": 1, "days": 1,
	"w": 7, "week": 7, "weeks": 7,
	"mo": 30, "month": 30, "months": 30,
	"y": 365, "year": 365, "years": 365,
}

var errNotCalendar = errors.New("not a number of days, weeks, months or years")

// parseCalendar reads a whole number of days, weeks, months or years,
// the unit a letter or a word after the number, spaced or not ("6mo",
// "6 months", "1y"), up to maxAgeDays.
func parseCalendar(s string) (time.Duration, error) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	perUnit, ok := calendarUnits[strings.ToLower(strings.TrimLeft(s[i:], " "))]
	if i == 0 || !ok {
		return 0, errNotCalendar
	}
	return daysOf(s[:i], perUnit)
}

// daysOf returns digits units of perUnit days, up to maxAgeDays. The
// count is checked before it is multiplied: 30501 weeks in nanoseconds
// wrap past the longest duration to some three days.
func daysOf(digits string, perUnit int) (time.Duration, error) {
	if len(digits) > len(strconv.Itoa(maxAgeDays)) {
		return 0, errTooLong
	}
	n, _ := strconv.Atoi(digits) // a few digits, checked above
	if n > maxAgeDays/perUnit {
		return 0, errTooLong
	}
	return time.Duration(n*perUnit) * 24 * time.Hour, nil
}

// parseSpan reads whole days or weeks (parseDays) or a Go duration
// ("36h"), either up to maxAgeDays. One longer is errTooLong, whatever
// time.ParseDuration reports for one past the longest duration.
func parseSpan(s string) (time.Duration, error) {
	d, err := parseDays(s)
	if err == nil || errors.Is(err, errTooLong) {
		return d, err
	}
	d, err = time.ParseDuration(s)
	switch {
	case err != nil && goDuration.MatchString(s):
		// Well formed, so its only fault is its length.
		return 0, errTooLong
	case err != nil:
		return 0, err
	case d > maxAgeDays*24*time.Hour:
		return 0, errTooLong
	}
	return d, nil
}

// goDuration matches what time.ParseDuration reads, whatever its length.
var goDuration = regexp.MustCompile(`^\+?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$`)

// parseDays reads a whole number of days ("30d") or weeks ("2w"), up to
// maxAgeDays.
func parseDays(s string) (time.Duration, error) {
	n := len(s) - 1
	if n < 1 || !isDigits(s[:n]) {
		return 0, errNotDays
	}
	perUnit := 1
	switch s[n] {
	case 'd':
	case 'w':
		perUnit = 7
	default:
		return 0, errNotDays
	}
	return daysOf(s[:n], perUnit)
}

// maxAgeDays bounds an age or span in days, well within a time.Duration.
const maxAgeDays = 100000

var (
	errNotDays = errors.New("not a number of days or weeks")
	errTooLong = fmt.Errorf("too long: at most %d days", maxAgeDays)
)

// Defaults of the retention settings.
const (
	DefaultArchiveAfter = 30 * 24 * time.Hour
	DefaultPurgeAfter   = 0 // off
)

// Retention returns the ages past which news is archived and unpublished
// duplicates are purged, 0 for a rule that is off. A setting that does not
// parse is an error naming it (the content package checks them with their
// line when it reads the file).
func (c *Config) Retention() (archiveAfter, purgeAfter time.Duration, err error) {
	archiveAfter, purgeAfter = DefaultArchiveAfter, DefaultPurgeAfter
	if c == nil {
		return archiveAfter, purgeAfter, nil
	}
	if c.ArchiveAfter != "" {
		if archiveAfter, err = ParseAge(c.ArchiveAfter); err != nil {
			return 0, 0, fmt.Errorf("archive_after: %w", err)
		}
	}
	if c.PurgeAfter != "" {
		if purgeAfter, err = ParseAge(c.PurgeAfter); err != nil {
			return 0, 0, fmt.Errorf("purge_after: %w", err)
		}
	}
	return archiveAfter, purgeAfter, nil
}

// Sources is newshub's list of feeds (_data/sources.yaml).
type Sources struct {
	Sources []Source `json:"sources"`
}

// Source is one feed to ingest.
type Source struct {
	URL      string   `json:"url"`
	Provider string   `json:"provider,omitempty"` // organization domain
	Topics   []string `json:"topics,omitempty"`
	Interval string   `json:"interval,omitempty"` // e.g. "30m"
	Enabled  *bool    `json:"enabled,omitempty"`  // nil means enabled
	// Dedicated says every item of the source is on the hub's topic; its
	// items teach the topic gate what the topic looks like.
	Dedicated bool `json:"dedicated,omitempty"`
}

// Decisions is the log of editorial decisions (_data/decisions.yaml), in
// the order they were taken: curation applies them in that order, so a
// later decision on the same thing overrides an earlier one.
type Decisions struct {
	Decisions []Decision `json:"decisions"`
}

// Decision is one editorial decision. Action says which fields apply (see
// internal/editorial). Articles are named by their canonical URL; a story
// by the id it had when decided and by an article of it, which keeps
// naming it when clustering renames it.
type Decision struct {
	Action       string    `json:"action"`
	Article      string    `json:"article,omitempty"`       // an article's canonical URL
	Publisher    string    `json:"publisher,omitempty"`     // a publisher's domain
	Source       string    `json:"source,omitempty"`        // a feed's URL
	Story        string    `json:"story,omitempty"`         // a story's id when decided
	StoryArticle string    `json:"story_article,omitempty"` // an article of that story
	Into         string    `json:"into,omitempty"`          // the story moved or merged into: its id
	IntoArticle  string    `json:"into_article,omitempty"`  // and an article of it
	Out          bool      `json:"out,omitempty"`           // move: out of its story, alone
	Topic        string    `json:"topic,omitempty"`         // a topic's name
	Until        time.Time `json:"until,omitzero"`          // pin: until when
	OffTopic     bool      `json:"off_topic,omitempty"`     // hide: also a lesson that it is off topic
	By           string    `json:"by,omitempty"`            // who decided
	At           time.Time `json:"at,omitzero"`             // when
	Note         string    `json:"note,omitempty"`          // why, in the editor's words
	// Line is the line of the decision in its file (0 when not read from
	// one), for messages.
	Line int `json:"-"`
}

// SourceKey is the form feed URLs are compared in: scheme and host in
// lower case, without a trailing slash.
func SourceKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return strings.TrimSuffix(u.String(), "/")
}

// ParseSpan reads a span of time as a hub's settings write it: whole
// days ("3d") or weeks ("1w"), as ages are (see ParseAge), or a Go
// duration ("72h", "90m").
func ParseSpan(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := parseSpan(s)
	if errors.Is(err, errTooLong) {
		return 0, fmt.Errorf("%s is %w", Quoted(s), err)
	}
	if err != nil {
		return 0, fmt.Errorf("%s is not a span of time: want days (3d), weeks (1w), hours (72h) or minutes (90m)", Quoted(s))
	}
	return d, nil
}

// ParseInterval reads a source interval (see ParseSpan); it must be at
// least a minute.
func ParseInterval(s string) (time.Duration, error) {
	d, err := ParseSpan(s)
	if err != nil {
		return 0, fmt.Errorf("interval %w", err)
	}
	if d < time.Minute {
		return 0, fmt.Errorf("interval %s: at least 1m", Quoted(s))
	}
	return d, nil
}

// IsEnabled reports whether the source should be fetched.
func (s Source) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Defaults for configuration values that a site leaves unset.
const (
	DefaultNewsPageSize = 30
	DefaultRelatedLimit = 20
	DefaultTimezone     = "UTC"
)

// PageSize is the number of news items per API page.
func (c *Config) PageSize() int {
	if c == nil || c.NewsPageSize <= 0 {
		return DefaultNewsPageSize
	}
	return c.NewsPageSize
}

// Related returns the maximum length of a lead's related list, at most
// MaxRelated.
func (c *Config) Related() int {
	if c == nil || c.RelatedLimit <= 0 {
		return DefaultRelatedLimit
	}
	return min(c.RelatedLimit, MaxRelated)
}

// Location returns the time zone API times are shown in.
func (c *Config) Location() *time.Location {
	if c == nil || c.Timezone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}
