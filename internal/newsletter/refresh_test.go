package newsletter

import (
	"bytes"
	"context"
	"html/template"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/newsletter/smtptest"
	"newshub/internal/site"
)

// TestRefreshLeavesOutWhatIsWithheldAndBringsItBack withholds a story's
// lead, or one of its related articles, after the issue was written, as
// the topic gate or an editor does: Refresh writes the issue again, in
// the store and the site folder, without the article's title (body and
// excerpt), keeping the account of its mailing; a second Refresh writes
// nothing; published again, the article is back and the issue is the one
// first written, byte for byte.
func TestRefreshLeavesOutWhatIsWithheldAndBringsItBack(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		pick func(*Issue) (key, title string)
	}{
		{"lead", func(is *Issue) (string, string) {
			st := is.Sections[0].Stories[0]
			return st.Key, st.Title
		}},
		{"related", func(is *Issue) (string, string) {
			for _, sec := range is.Sections {
				for _, st := range sec.Stories {
					if len(st.Related) > 0 {
						return st.Related[0].Key, st.Related[0].Title
					}
				}
			}
			return "", ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := curatedHub(t, 1500)
			d := dayWithCoverage(t, h)
			is, first, err := Write(ctx, h.st, h.site, h.dir, d, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			key, title := tt.pick(is)
			if key == "" {
				t.Fatal("no article to withhold")
			}
			if err := updateMailing(ctx, h.st, first.Path, func(mg *model.Mailing) { mg.Done = []string{"a@example.org"} }); err != nil {
				t.Fatal(err)
			}
			setWithheld(t, h, key, model.WithheldOffTopic)
			written, err := Refresh(ctx, h.st, h.dir)
			if err != nil || !slices.Equal(written, []string{first.Path}) {
				t.Fatalf("Refresh wrote %v (%v), want the issue", written, err)
			}
			got := storedIssue(t, h, first.Path)
			n := got.Newsletter
			if strings.Contains(n.Body, template.HTMLEscapeString(title)) || strings.Contains(n.Excerpt, title) {
				t.Errorf("the issue still names the withheld %q", title)
			}
			if !slices.Equal(n.Withdrawn, []string{key}) {
				t.Errorf("Withdrawn = %v, want %v", n.Withdrawn, key)
			}
			if n.Mailing == nil || !slices.Equal(n.Mailing.Done, []string{"a@example.org"}) {
				t.Errorf("the account of the mailing was lost: %+v", n.Mailing)
			}
			if !n.PublishedDateTime.Equal(first.Newsletter.PublishedDateTime) {
				t.Errorf("the issue is dated %v, was %v", n.PublishedDateTime, first.Newsletter.PublishedDateTime)
			}
			if written, err := Refresh(ctx, h.st, h.dir); err != nil || len(written) != 0 {
				t.Errorf("a second Refresh wrote %v (%v)", written, err)
			}

			setWithheld(t, h, key, "")
			if written, err := Refresh(ctx, h.st, h.dir); err != nil || len(written) != 1 {
				t.Fatalf("published again: Refresh wrote %v (%v)", written, err)
			}
			if got := storedIssue(t, h, first.Path); !bytes.Equal(got.Raw, first.Raw) {
				t.Error("published again, the issue differs from the one first written")
			}
		})
	}
}

// dayWithCoverage returns the latest generated day whose issue has two
// stories or more, one of them with related coverage.
func dayWithCoverage(t *testing.T, h *hub) Date {
	t.Helper()
	for d := DateOf(genUntil).AddDays(-1); !d.Before(DateOf(genUntil).AddDays(-60)); d = d.AddDays(-1) {
		is, err := Compose(context.Background(), h.st, h.site, d, testOptions())
		if err != nil || is.Stories < 2 {
			continue
		}
		for _, sec := range is.Sections {
			for _, st := range sec.Stories {
				if len(st.Related) > 0 {
					return d
				}
			}
		}
	}
	t.Fatal("no day with two stories and related coverage")
	return Date{}
}

// setWithheld sets the Withheld of the stored article with the key.
func setWithheld(t *testing.T, h *hub, key, why string) {
	t.Helper()
	r, err := h.st.ArticleByURL(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	r.Article.Withheld = why
	if err := h.st.Upsert(context.Background(), []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
}

// storedIssue reads the issue at path from the store, and checks that the
// site folder's file holds the same bytes.
func storedIssue(t *testing.T, h *hub, path string) *model.Record {
	t.Helper()
	r, err := h.st.Get(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(path)))
	if err != nil || !bytes.Equal(file, r.Raw) {
		t.Fatalf("the site folder's issue differs from the store's (%v)", err)
	}
	return r
}

// TestSchedulerRefreshesIssuesWhenDecisionsChange withholds an issue's
// lead as curation does when it applies a decision found in the site
// folder's log (serve and ingest do, nothing else refreshing the issues
// then), and stores the new log: the scheduler's next tick writes the
// issue again without the lead.
func TestSchedulerRefreshesIssuesWhenDecisionsChange(t *testing.T) {
	ctx := context.Background()
	h := curatedHub(t, 1500)
	is, first, err := Write(ctx, h.st, h.site, h.dir, dayWithCoverage(t, h), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return h.site }, SiteDir: h.dir, Options: testOptions()}
	if _, err := sc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	lead := is.Sections[0].Stories[0]
	setWithheld(t, h, lead.Key, model.WithheldHidden)
	log, err := content.Parse(editorial.Path, []byte("decisions:\n  - action: hide\n    article: \""+lead.Key+"\"\n    by: \"ada\"\n    at: 2026-11-05T10:04:05Z\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.Upsert(ctx, []*model.Record{log}); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := storedIssue(t, h, first.Path); strings.Contains(got.Newsletter.Body, template.HTMLEscapeString(lead.Title)) {
		t.Errorf("after the tick, the issue still names the hidden %q", lead.Title)
	}
}

// TestSchedulerFollowsTheGatesChangeOfMind withholds an issue's lead as
// the topic gate does on an article fetched again, with no decision
// logged: the next tick writes the issue again without it; a tick after
// a write that withholds nothing more writes nothing; shown again, the
// lead is back at the next tick, the issue as first written.
func TestSchedulerFollowsTheGatesChangeOfMind(t *testing.T) {
	ctx := context.Background()
	h := curatedHub(t, 1500)
	is, first, err := Write(ctx, h.st, h.site, h.dir, dayWithCoverage(t, h), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return h.site }, SiteDir: h.dir, Options: testOptions()}
	tick := func() *model.Record {
		t.Helper()
		if _, err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		return storedIssue(t, h, first.Path)
	}
	stored := storedIssue(t, h, first.Path)
	if got := tick(); got.Version != stored.Version {
		t.Fatalf("the first tick wrote the issue again with nothing withheld")
	}
	lead := is.Sections[0].Stories[0]
	setWithheld(t, h, lead.Key, model.WithheldOffTopic)
	gated := tick()
	if strings.Contains(gated.Newsletter.Body, template.HTMLEscapeString(lead.Title)) {
		t.Errorf("after the tick, the issue still names %q, off topic since", lead.Title)
	}
	other := is.Sections[len(is.Sections)-1].Stories[0]
	r, err := h.st.ArticleByURL(ctx, other.Key)
	if err != nil {
		t.Fatal(err)
	}
	r.Article.Heat++
	if err := h.st.Upsert(ctx, []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
	if got := tick(); got.Version != gated.Version {
		t.Errorf("a write that withholds nothing more had the issue written again")
	}
	setWithheld(t, h, lead.Key, "")
	if got := tick(); !bytes.Equal(got.Raw, first.Raw) {
		t.Errorf("shown again, the issue differs from the one first written")
	}
}

// TestAnIssueWhoseEveryStoryIsWithheldSaysSo: every story of an issue
// withheld since it was written, the issue, which was read and may have
// been mailed, stays, and says its stories were withdrawn rather than
// counting none.
func TestAnIssueWhoseEveryStoryIsWithheldSaysSo(t *testing.T) {
	ctx := context.Background()
	h := curatedHub(t, 1500)
	is, first, err := Write(ctx, h.st, h.site, h.dir, dayWithCoverage(t, h), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range is.Sections {
		for _, st := range sec.Stories {
			setWithheld(t, h, st.Key, model.WithheldHidden)
		}
	}
	if _, err := Refresh(ctx, h.st, h.dir); err != nil {
		t.Fatal(err)
	}
	body := storedIssue(t, h, first.Path).Newsletter.Body
	if !strings.Contains(body, "withdrawn from publication") || strings.Contains(body, "0 stories") {
		t.Errorf("the issue without a story does not say its stories were withdrawn:\n%s", body)
	}
	if text, err := is.without(is.keys()).Text(); err != nil || !strings.Contains(text, "withdrawn from publication") {
		t.Errorf("its text part does not say so either (%v):\n%s", err, text)
	}
}

// TestAMailingPutOffGoesOutWithoutWhatIsWithheldSince: the server puts
// off the day's issue, then its top story is withheld and the issue
// written again; the addresses still to get it get it as it now is,
// subject, text and HTML without the story's title.
func TestAMailingPutOffGoesOutWithoutWhatIsWithheldSince(t *testing.T) {
	ctx := context.Background()
	h := curatedHub(t, 1500)
	srv := smtptest.Start(t, smtptest.Options{Greylist: 1})
	s, la := newsletterSite(t, h, srv, "a@example.org", "b@example.org")
	now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return now }}}
	is, err := sc.Tick(ctx)
	if err != nil || is == nil {
		t.Fatalf("no issue written: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("the server took %d messages while putting them off", n)
	}
	top := is.Sections[0].Stories[0]
	for _, sec := range is.Sections {
		for _, st := range sec.Stories {
			if st.Rank == 0 {
				top = st
			}
		}
	}
	setWithheld(t, h, top.Key, model.WithheldHidden)
	if _, err := Refresh(ctx, h.st, h.dir); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		now = now.Add(2 * time.Minute)
		if _, err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("the server took %d messages, want one for each address", len(msgs))
	}
	for _, m := range msgs {
		msg, body := parts(t, m.Data)
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		for part, text := range map[string]string{"subject": subject, "text": body["text/plain"], "html": body["text/html"]} {
			if strings.Contains(text, top.Title) || strings.Contains(text, template.HTMLEscapeString(top.Title)) {
				t.Errorf("the %s mailed to %s names the withheld %q", part, m.To, top.Title)
			}
		}
	}
}

// TestRefreshAndAMailingDoNotUndoEachOther interleaves the two writers of
// a stored issue: a mailing recording an address and a refresh writing
// the issue again without a withheld article, each writing what it read
// before the other wrote. Both writes stay, whichever comes second.
func TestRefreshAndAMailingDoNotUndoEachOther(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// interleave runs the second writer inside the first; the
		// article with the key is withheld before.
		interleave func(t *testing.T, h *hub, path string, w *withheldNews) error
	}{
		{"refresh of the issue read before an address was recorded", func(t *testing.T, h *hub, path string, w *withheldNews) error {
			stale := storedIssue(t, h, path)
			if err := updateMailing(ctx, h.st, path, func(mg *model.Mailing) { mg.Done = append(mg.Done, "a@example.org") }); err != nil {
				return err
			}
			_, err := refresh(ctx, h.st, h.dir, stale, w)
			return err
		}},
		{"an address recorded on the issue read before the refresh", func(t *testing.T, h *hub, path string, w *withheldNews) error {
			refreshed := false
			return updateMailing(ctx, h.st, path, func(mg *model.Mailing) {
				mg.Done = append(mg.Done, "a@example.org")
				if !refreshed {
					refreshed = true
					if _, err := Refresh(ctx, h.st, h.dir); err != nil {
						t.Error(err)
					}
				}
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := curatedHub(t, 1500)
			is, first, err := Write(ctx, h.st, h.site, h.dir, dayWithCoverage(t, h), testOptions())
			if err != nil {
				t.Fatal(err)
			}
			// The server put b off: the issue is still to be mailed to it.
			if err := updateMailing(ctx, h.st, first.Path, func(mg *model.Mailing) { mg.Pending = []string{"a@example.org", "b@example.org"} }); err != nil {
				t.Fatal(err)
			}
			lead := is.Sections[0].Stories[0]
			setWithheld(t, h, lead.Key, model.WithheldHidden)
			w, err := readWithheld(ctx, h.st)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.interleave(t, h, first.Path, w); err != nil {
				t.Fatal(err)
			}
			n := storedIssue(t, h, first.Path).Newsletter
			if strings.Contains(n.Body, template.HTMLEscapeString(lead.Title)) {
				t.Errorf("the issue names %q again, withheld before", lead.Title)
			}
			if n.Mailing == nil || !slices.Contains(n.Mailing.Done, "a@example.org") {
				t.Errorf("the address recorded was lost: %+v", n.Mailing)
			}
			if n.Mailing == nil || strings.Contains(n.Mailing.Text, lead.Title) {
				t.Errorf("the text still to be mailed names %q", lead.Title)
			}
		})
	}
}

// curatedHub is genHub with each article's canonical URL, which curation
// gives every stored article and the store finds it by.
func curatedHub(t testing.TB, n int) *hub {
	return genHub(t, n, func(r *model.Record) {
		if a := r.Article; a != nil {
			a.CanonicalURL = curate.CanonicalURL(a.OriginalURL)
		}
	})
}
