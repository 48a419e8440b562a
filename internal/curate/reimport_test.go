package curate

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/editorial"
	"newshub/internal/model"
)

// TestAnOlderCopyOfALeadImportedKeepsOneLead: a record imported again as
// an older copy of it says (a backup, a checkout of the site folder made
// before a better report took the lead) leads its story; the article that
// has led it since is demoted, in the store and in its file, so the story
// keeps one lead and is not shown twice.
func TestAnOlderCopyOfALeadImportedKeepsOneLead(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-5 * time.Hour)
	report := func(host string, minutes, sentences int) *model.Record {
		r := fromFeed("Rocket engine test fires for full duration at Stennis", "https://"+host+"/engine", "https://wire.example/all.xml", at.Add(time.Duration(minutes)*time.Minute))
		r.Article.Excerpt = strings.Repeat("The engine ran for the full planned duration. ", sentences)
		return r
	}
	first, best := report("first.example", 0, 1), report("best.example", 60, 6)
	commit(t, c, first)
	saved := mustGet(t, st, first.Path)
	if !saved.Article.Published {
		t.Fatal("the first report does not lead its story")
	}
	backup := bytes.Clone(saved.Raw)
	commit(t, c, best)
	if a := stored(t, st, first); a.Published {
		t.Fatal("the first report still leads once a better one arrived")
	}

	back, err := content.Parse(first.Path, backup)
	if err != nil {
		t.Fatal(err)
	}
	commit(t, c, back)
	var leads []string
	for _, r := range []*model.Record{first, best} {
		got := mustGet(t, st, r.Path)
		if a := got.Article; a.Published {
			leads = append(leads, a.WebURL)
		} else if a.Heat != -1 {
			t.Errorf("%s: not the lead, heat %d", a.WebURL, a.Heat)
		}
		file, err := content.Parse(got.Path, got.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if f := file.Article; f.Published != got.Article.Published || f.Heat != got.Article.Heat {
			t.Errorf("%s: file says published %v heat %d, the store %v %d", r.Path, f.Published, f.Heat, got.Article.Published, got.Article.Heat)
		}
	}
	if len(leads) != 1 || leads[0] != first.Article.WebURL {
		t.Errorf("leads %q after the older copy came back, want the one it says leads", leads)
	}
}

// TestAnOlderCopyOfTheLeadAsAMemberKeepsOneLead: a record imported again
// as an older copy of it says (made while another article led its story)
// is not the lead of a story it has led since; its story is settled as
// curation would rather than left without a lead, out of every list.
func TestAnOlderCopyOfTheLeadAsAMemberKeepsOneLead(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-5 * time.Hour)
	best := fromFeed("Rocket engine test fires for full duration at Stennis", "https://best.example/engine", "https://wire.example/all.xml", at)
	best.Article.Excerpt = strings.Repeat("The engine ran for the full planned duration. ", 6)
	other := fromFeed("Rocket engine test fires for full duration at Stennis", "https://other.example/engine", "https://wire.example/all.xml", at.Add(10*time.Minute))
	commit(t, c, best, other)
	saved := mustGet(t, st, other.Path)
	if saved.Article.Published {
		t.Fatal("the other report leads its story")
	}
	backup := bytes.Clone(saved.Raw)
	d := model.Decision{Action: editorial.Hide, Article: best.Article.WebURL, At: judgeNow}
	if _, err := editorial.Append(ctx, st, dir, d); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apply(ctx, []model.Decision{d}); err != nil {
		t.Fatal(err)
	}
	if a := stored(t, st, other); !a.Published {
		t.Fatal("the other report does not lead once the best is hidden")
	}

	back, err := content.Parse(other.Path, backup)
	if err != nil {
		t.Fatal(err)
	}
	commit(t, c, back)
	got := mustGet(t, st, other.Path)
	if a := got.Article; !a.Published || a.Heat != Heat(a.Quality, len(a.Related)) {
		t.Errorf("the other report after its older copy came back: published %v, heat %d; want the lead of its story", a.Published, a.Heat)
	}
	if file, err := content.Parse(got.Path, got.Raw); err != nil || !file.Article.Published {
		t.Errorf("its file does not say it leads (%v)", err)
	}
	if a := stored(t, st, best); a.Published {
		t.Error("the hidden report leads")
	}
}
