package admin

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"newshub/internal/explain"
	"newshub/internal/model"
	"newshub/internal/store"
)

// storiesPerPage is the length of a page of the stories list.
const storiesPerPage = 30

// storyRow is a story in the list: its lead and how many articles it has.
type storyRow struct {
	ID      string
	Path    string // the lead's record
	Lead    *model.Article
	Members int
	Pinned  time.Time
}

// member is an article of a story as its page shows it.
type member struct {
	Path   string
	URL    string // canonical
	A      *model.Article
	Hidden bool
	Seen   string // what the page shows of its hide or show (seenOf)
}

func (h *Handler) storiesPage(w http.ResponseWriter, r *http.Request, s session) {
	ctx := r.Context()
	q := store.NewsQuery{PublishedOnly: true, Order: store.ByTime, NoRaw: true}
	total, err := h.cfg.Store.CountNews(ctx, q)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	pg, ok := h.pageOf(w, r, s, "stories", total, storiesPerPage)
	if !ok {
		return
	}
	q.Offset, q.Limit = pg.offset(), storiesPerPage
	leads, err := h.cfg.Store.News(ctx, q)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	ed, err := h.standing(ctx)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	rows := make([]storyRow, 0, len(leads))
	for _, l := range leads {
		row := storyRow{ID: l.Article.Story, Path: l.Path, Lead: l.Article, Members: 1}
		if row.ID != "" {
			if row.Members, err = h.cfg.Store.CountNews(ctx, store.NewsQuery{Story: row.ID}); err != nil {
				h.failErr(w, r, s, err)
				return
			}
			row.Pinned = ed.pinned(row.ID, canonical(l.Article), h.now())
		}
		rows = append(rows, row)
	}
	data := struct {
		Stories []storyRow
		Pager   pager
	}{Stories: rows, Pager: pg}
	title := "Stories"
	if pg.Page > 1 {
		title = fmt.Sprintf("Stories, page %d", pg.Page)
	}
	h.show(w, r, s, "stories", title, data)
}

func (h *Handler) storyPage(w http.ResponseWriter, r *http.Request, s session) {
	ctx := r.Context()
	id := r.PathValue("id")
	recs, err := h.cfg.Store.Story(ctx, id)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	if len(recs) == 0 {
		h.fail(w, r, s, http.StatusNotFound, "There is no story "+id+" (a later clustering may have renamed it).")
		return
	}
	ed, err := h.standing(ctx)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	ms := make([]member, len(recs))
	for i, rec := range recs {
		u := canonical(rec.Article)
		ms[i] = member{Path: rec.Path, URL: u, A: rec.Article, Hidden: ed.hidden(u), Seen: ed.seenThing(Decision{Action: Hide, Article: u}, nil)}
	}
	keys := keysOf(recs)
	data := struct {
		ID      string
		Lead    member
		Members []member
		Pinned  time.Time
		Back    string
		// What the page shows of the story's pin and lead, and of the
		// hide or show of each of its articles (seenOf, seenAll).
		SeenPin, SeenLead, SeenAll string
	}{ID: id, Lead: ms[0], Members: ms, Pinned: ed.pinned(id, ms[0].URL, h.now()), Back: r.URL.Path,
		SeenPin: ed.seenThing(Decision{Action: Pin, Story: id}, keys), SeenLead: ed.seenThing(Decision{Action: Lead}, keys),
		SeenAll: ed.seenAll(perArticle(Decision{Action: Hide}, recs), keys)}
	h.show(w, r, s, "story", "Story "+id, data)
}

func (h *Handler) articlePage(w http.ResponseWriter, r *http.Request, s session) {
	ctx := r.Context()
	arg := r.URL.Query().Get("a")
	if arg == "" {
		http.Redirect(w, r, Prefix+"stories/", http.StatusSeeOther)
		return
	}
	hub, err := h.hub(ctx)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	var text bytes.Buffer
	rec, err := explain.Run(ctx, &text, h.cfg.Store, hub, h.cfg.SiteDir, arg)
	if errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, s, http.StatusNotFound, "No article "+model.QuotedURL(arg)+" is stored, and no feed's last read left it out.")
		return
	}
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	data := struct {
		Arg       string
		Explain   string
		Rec       *model.Record
		URL       string
		Hidden    bool
		Shown     bool
		Blocked   bool
		Members   int
		Topics    []string // the hub's topics the article does not have
		Back      string
		Durations []string
		// What the page shows of the article's hide or show, its
		// publisher's block and its story's lead (seenOf).
		Seen, SeenPublisher, SeenLead string
	}{Arg: arg, Explain: model.MaskURLs(text.String()), Rec: rec, Back: r.URL.RequestURI()}
	if rec != nil {
		a := rec.Article
		ed, err := h.standing(ctx)
		if err != nil {
			h.failErr(w, r, s, err)
			return
		}
		data.URL = canonical(a)
		data.Hidden, data.Shown, data.Blocked = ed.hidden(data.URL), ed.shown(data.URL), ed.blockedPublisher(a.Provider.Domain)
		data.Seen = ed.seenThing(Decision{Action: Hide, Article: data.URL}, nil)
		data.SeenPublisher = ed.seenThing(Decision{Action: BlockPublisher, Publisher: strings.ToLower(a.Provider.Domain)}, nil)
		if a.Story != "" {
			members, err := h.cfg.Store.Story(ctx, a.Story)
			if err != nil {
				h.failErr(w, r, s, err)
				return
			}
			data.Members, data.SeenLead = len(members), ed.seenThing(Decision{Action: Lead}, keysOf(members))
		}
		for _, t := range hub.Topics {
			if !slices.Contains(a.Topics, t.Name) {
				data.Topics = append(data.Topics, t.Name)
			}
		}
	}
	title := "Article"
	if rec != nil {
		title = rec.Article.Title
	}
	h.show(w, r, s, "article", title, data)
}
