package content

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/model/modeltest"
)

// notInFile are the fields of each value that a record's file does not
// hold: newshub keeps them in the store, beside the file.
var notInFile = map[model.Kind][]string{
	model.KindNews: {"Article.CanonicalURL", "Article.GUID", "Article.Story", "Article.FetchedAt", "Article.Explain",
		"Article.Source", "Article.Relevance", "Article.Withheld", "Article.PinnedUntil", "Article.HeldRelated", "Article.MemberRelated",
		"Article.CuratedRelated"},
	model.KindNewsletter: {"Newsletter.Mailing", "Newsletter.Composed", "Newsletter.Withdrawn"},
}

// validate gives the fields the format checks (a time of day, mail
// addresses, a port, one form of password, spans of time, a time zone)
// values it accepts, still each its own.
func validate(rec *model.Record) {
	if s := rec.Sources; s != nil {
		for i := range s.Sources {
			s.Sources[i].Interval = strconv.Itoa(90+i) + "m"
		}
	}
	if c := rec.Config; c != nil {
		c.NewsletterTime = "07:45"
		c.ArchiveAfter, c.PurgeAfter = "30d", "2w" // ages are checked when read
		c.StoryWindow, c.Timezone = "3d", "Europe/Paris"
		if m := c.SMTP; m != nil {
			m.Port = 2525
			m.From = "hub@example.org"
			m.To = []string{"reader@example.org", "editor@example.org"}
			m.PasswordFile = ""
		}
	}
}

// TestEveryFieldSurvivesRenderAndParse walks every field of every kind's
// value, set to a value of its own: rendered as a file and parsed back,
// each field the file holds comes back as it was, and rendering what was
// parsed writes the same bytes again. A field added to a model type that
// the record format does not map fails here until it is mapped or listed
// in notInFile.
func TestEveryFieldSurvivesRenderAndParse(t *testing.T) {
	paths := map[model.Kind]string{
		model.KindNews:         "_archive/news/2021-01-01-a.md", // Archived is read from the path
		model.KindPerson:       "_people/a.md",
		model.KindPeopleList:   "_people/collections/a.md",
		model.KindEvent:        "_events/2021-01-01-a.md",
		model.KindLearning:     "_learning/videos/a.md",
		model.KindLearningList: "_learning/collections/a.md",
		model.KindNewsletter:   "_newsletters/a.html",
		model.KindTopic:        "_data/topics/NN-a.yaml", // NN: the order, below
		model.KindOrganization: "_data/organizations/a.com.md",
		model.KindConfig:       "_config.yml",
		model.KindSources:      "_data/sources.yaml",
	}
	for kind, path := range paths {
		t.Run(string(kind), func(t *testing.T) {
			rec := &model.Record{Path: path, Kind: kind}
			rec.NewValue()
			modeltest.Fill(t, rec.Value())
			validate(rec)
			if kind == model.KindTopic { // the order is read from the file name
				rec.Path = fmt.Sprintf("_data/topics/%02d-a.yaml", rec.Topic.Order)
				path = rec.Path
			}
			if err := Render(rec); err != nil {
				t.Fatalf("Render: %v", err)
			}
			back, err := Parse(path, rec.Raw)
			if err != nil {
				t.Fatalf("the rendered file does not parse: %v\n%s", err, rec.Raw)
			}
			missing := map[string]bool{}
			for _, f := range notInFile[kind] {
				missing[f] = true
			}
			for _, d := range modeltest.Diff(rec.Value(), back.Value()) {
				if !missing[topField(d)] {
					t.Errorf("%s changed through the file", d)
				}
				delete(missing, topField(d))
			}
			for f := range missing {
				t.Errorf("%s is listed as not in the file, yet it came back: take it off the list", f)
			}

			// Parsed, then rendered from scratch: the same bytes.
			raw := back.Raw
			back.Raw = nil
			if err := Render(back); err != nil {
				t.Fatalf("Render of the parsed record: %v", err)
			}
			if !bytes.Equal(back.Raw, raw) {
				t.Errorf("parse then render changed the file:\n%s", diffLines(string(raw), string(back.Raw)))
			}
		})
	}
}

// topField returns the top-level field of a path such as
// "Article.Explain.Topics[0]": "Article.Explain".
func topField(path string) string {
	dot := strings.IndexByte(path, '.')
	if end := strings.IndexAny(path[dot+1:], ".["); end >= 0 {
		return path[:dot+1+end]
	}
	return path
}
