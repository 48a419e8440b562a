// Package site gathers a hub's configuration as the rest of newshub reads it:
// the _config.yml settings, the topic taxonomy in display order and the
// publishers (organizations) by domain.
package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"newshub/internal/model"
)

// Site is a hub's configuration, loaded once and read by many.
type Site struct {
	Config *model.Config
	Topics []*model.Topic // display order (the NN- prefix of the file names)
	Orgs   map[string]*model.Organization

	byID   map[string]*model.Topic
	byName map[string]*model.Topic
}

// Kinds are the kinds of record a Site is built from.
var Kinds = []model.Kind{model.KindConfig, model.KindTopic, model.KindOrganization}

// Source lists records: it calls fn for every record of the given kinds,
// in path order. A store is a Source; so is a reader of a site folder's
// files.
type Source interface {
	Scan(ctx context.Context, kinds []model.Kind, fn func(*model.Record) error) error
}

// SourceFunc is a function that is a Source.
type SourceFunc func(ctx context.Context, kinds []model.Kind, fn func(*model.Record) error) error

// Scan calls f.
func (f SourceFunc) Scan(ctx context.Context, kinds []model.Kind, fn func(*model.Record) error) error {
	return f(ctx, kinds, fn)
}

// Load builds the Site from the configuration records (Kinds) src lists.
func Load(ctx context.Context, src Source) (*Site, error) {
	var recs []*model.Record
	err := src.Scan(ctx, Kinds, func(r *model.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load site: %w", err)
	}
	return FromRecords(recs), nil
}

// FromRecords builds the Site from the configuration records among recs
// (other kinds are ignored). Without a _config.yml record the
// configuration is empty, with defaults; of two organizations with the
// same domain, the later is kept.
func FromRecords(recs []*model.Record) *Site {
	var cfg *model.Config
	var topics []*model.Topic
	orgs := map[string]*model.Organization{}
	for _, r := range recs {
		switch {
		case r.Kind == model.KindConfig && r.Config != nil:
			cfg = r.Config
		case r.Kind == model.KindTopic && r.Topic != nil:
			topics = append(topics, r.Topic)
		case r.Kind == model.KindOrganization && r.Organization != nil:
			orgs[strings.ToLower(r.Organization.Domain)] = r.Organization
		}
	}
	if cfg == nil {
		cfg = &model.Config{}
	}
	return New(cfg, topics, orgs)
}

// New builds a Site from its parts; topics are put in display order.
func New(cfg *model.Config, topics []*model.Topic, orgs map[string]*model.Organization) *Site {
	sort.SliceStable(topics, func(i, j int) bool { return topics[i].Order < topics[j].Order })
	s := &Site{Config: cfg, Topics: topics, Orgs: orgsByHost(orgs),
		byID: map[string]*model.Topic{}, byName: map[string]*model.Topic{}}
	for _, t := range topics {
		s.byID[t.ID] = t
		s.byName[t.Name] = t
	}
	return s
}

// orgsByHost keys publishers as Organization looks them up: in lower case
// and without "www.", so that a file giving its domain as "www.cnn.com"
// names the publisher of cnn.com's articles. Of a publisher given both
// ways, the file of the bare domain is kept.
func orgsByHost(orgs map[string]*model.Organization) map[string]*model.Organization {
	out := make(map[string]*model.Organization, len(orgs))
	var www []string
	for k, o := range orgs {
		host := strings.ToLower(k)
		if strings.HasPrefix(host, "www.") {
			www = append(www, k)
			continue
		}
		out[host] = o
	}
	sort.Strings(www)
	for _, k := range www {
		host := strings.TrimPrefix(strings.ToLower(k), "www.")
		if _, ok := out[host]; !ok {
			out[host] = orgs[k]
		}
	}
	return out
}

// TopicByID returns the topic with the given _id, or nil.
func (s *Site) TopicByID(id string) *model.Topic { return s.byID[id] }

// TopicByName returns the topic with the given name, or nil.
func (s *Site) TopicByName(name string) *model.Topic { return s.byName[name] }

// Topic returns the topic named v, else the one whose _id v is, or nil:
// editors and sources lists may name a topic either way.
func (s *Site) Topic(v string) *model.Topic {
	if t := s.byName[v]; t != nil {
		return t
	}
	return s.byID[v]
}

// Root returns the root topic: the one _config.yml names, else the first
// topic without a parent, else nil.
func (s *Site) Root() *model.Topic {
	if t := s.byName[s.Config.Topic]; t != nil {
		return t
	}
	for _, t := range s.Topics {
		if t.Parent == "" {
			return t
		}
	}
	return nil
}

// defaultHighlights are Smartable's colours for its two voice topics
// (smartable-format §5), used when the topic's YAML gives none: the real
// topic files carry no highlight, yet the real API shows these colours.
var defaultHighlights = map[string]model.Highlight{
	"Democratic Voice": {TextColor: "#FFFFFF", BackgroundColor: "#0015BC"},
	"Republican Voice": {TextColor: "#FFFFFF", BackgroundColor: "#FF0000"},
}

// TopicHighlight returns a topic's highlight: the one its YAML gives, else
// Smartable's colours for a voice topic of that name, else nil.
func TopicHighlight(t *model.Topic) *model.Highlight {
	if t.Highlight != nil {
		return t.Highlight
	}
	if h, ok := defaultHighlights[t.Name]; ok {
		return &h
	}
	return nil
}

// Highlight returns the highlight for a record carrying the given topic
// names: that of the first topic, in taxonomy order, that has one.
func (s *Site) Highlight(topics []string) (string, *model.Highlight) {
	for _, t := range s.Topics {
		h := TopicHighlight(t)
		if h == nil {
			continue
		}
		for _, name := range topics {
			if name == t.Name {
				return t.Name, h
			}
		}
	}
	return "", nil
}

// Organization returns the publisher for a host or domain, trying the name
// itself and then each parent domain ("edition.cnn.com" finds "cnn.com").
func (s *Site) Organization(host string) *model.Organization {
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	for host != "" {
		if o := s.Orgs[host]; o != nil {
			return o
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	return nil
}

// BaseURL is the address the site folder is published under: the
// configuration's url and baseurl, without a trailing slash; "" when the
// site gives no url.
func (s *Site) BaseURL() string {
	if s.Config == nil || s.Config.URL == "" {
		return ""
	}
	u := strings.TrimRight(s.Config.URL, "/")
	if b := strings.Trim(s.Config.BaseURL, "/"); b != "" {
		u += "/" + b
	}
	return u
}

// Absolute resolves a site-relative URL, one starting with a single "/"
// such as the pictures a site keeps under assets/images, against base (a
// BaseURL, or the address a build is published under). Any other URL is
// returned as it is: records point at publishers' pictures by absolute
// URLs, and the API gives every URL absolute as Smartable's did.
func Absolute(base, u string) string {
	if base == "" || !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		return u
	}
	return strings.TrimRight(base, "/") + u
}

// IsFolder reports whether dir is a site folder: one holding _config.yml.
// A folder without it (the one a command is run in, given --db) is no
// hub's: its files are none of the hub's configuration, which the store
// holds.
func IsFolder(dir string) bool {
	if dir == "" {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, "_config.yml"))
	return err == nil && !fi.IsDir()
}
