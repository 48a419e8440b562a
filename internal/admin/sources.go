package admin

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"newshub/internal/ingest"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
)

// sourceRow is a listed source as the sources page shows it: what
// `newshub sources list` shows, and whether an editor blocked it.
type sourceRow struct {
	sources.Status
	Next    string // when it is fetched next: a time, "now" or "—"
	Blocked bool
	Seen    string // what the page shows of its block (seenOf)
}

// Fetching says in words whether ingest fetches the source.
func (s sourceRow) Fetching() string {
	switch {
	case !s.Source.IsEnabled():
		return "paused"
	case s.State.Paused:
		return "paused after failures"
	case s.State.Errors > 0:
		return "failing"
	}
	return "fetching"
}

// StateClass is the look of Fetching: ok, off or bad.
func (s sourceRow) StateClass() string {
	switch s.Fetching() {
	case "fetching":
		return "ok"
	case "paused":
		return "off"
	}
	return "bad"
}

// sourcesPerPage is the length of a page of the sources list: a hub
// that imported a directory lists tens of thousands, which as one page
// were megabytes of rows and forms to send and draw.
const sourcesPerPage = 100

// matches says whether the source's address as shown (masked), its
// provider or one of its topics holds q, case aside; every source matches
// an empty q.
func matches(src model.Source, q string) bool {
	if q == "" {
		return true
	}
	q = strings.ToLower(q)
	if strings.Contains(strings.ToLower(model.MaskURL(src.URL)), q) || strings.Contains(strings.ToLower(src.Provider), q) {
		return true
	}
	for _, t := range src.Topics {
		if strings.Contains(strings.ToLower(t), q) {
			return true
		}
	}
	return false
}

func (h *Handler) sourcesPage(w http.ResponseWriter, r *http.Request, s session) {
	ctx := r.Context()
	list, err := sources.Load(ctx, h.cfg.Store, h.cfg.SiteDir)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	all, err := sources.Statuses(ctx, h.cfg.Store, list)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	found := all[:0:0]
	for _, st := range all {
		if matches(st.Source, q) {
			found = append(found, st)
		}
	}
	what := "sources"
	if q != "" {
		what = "sources matching " + model.Quoted(q)
	}
	pg, ok := h.pageOf(w, r, s, what, len(found), sourcesPerPage)
	if !ok {
		return
	}
	pg.Q, pg.PrevText, pg.NextText = q, "Previous", "Next"
	found = found[pg.offset():min(pg.offset()+sourcesPerPage, len(found))]
	ed, err := h.standing(ctx)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	rows := make([]sourceRow, len(found))
	for i, st := range found {
		next := "—"
		if t, ok := st.NextFetch(); ok {
			next = "now"
			if !t.IsZero() {
				next = when(t)
			}
		}
		rows[i] = sourceRow{Status: st, Next: next, Blocked: ed.blockedSource(st.Source.URL),
			Seen: ed.seenThing(Decision{Action: BlockSource, Source: st.Source.URL}, nil)}
	}
	rounds, err := ingest.Rounds(ctx, h.cfg.Store, 1)
	if err != nil {
		h.failErr(w, r, s, err)
		return
	}
	data := struct {
		Sources   []sourceRow
		Listed    int // sources listed, matching or not
		Pager     pager
		LastRound *ingest.Round
	}{Sources: rows, Listed: len(all), Pager: pg}
	if len(rounds) > 0 {
		data.LastRound = &rounds[0]
	}
	title := "Sources"
	if pg.Page > 1 {
		title = fmt.Sprintf("Sources, page %d", pg.Page)
	}
	h.show(w, r, s, "sources", title, data)
}

func (h *Handler) sourceAdd(w http.ResponseWriter, r *http.Request, s session) {
	src := model.Source{
		URL:       strings.TrimSpace(r.PostFormValue("url")),
		Provider:  strings.ToLower(strings.TrimSpace(r.PostFormValue("provider"))),
		Interval:  strings.TrimSpace(r.PostFormValue("interval")),
		Dedicated: r.PostFormValue("dedicated") == "1",
	}
	for _, t := range strings.Split(r.PostFormValue("topics"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			src.Topics = append(src.Topics, t)
		}
	}
	typed := map[string]string{"src-url": typedURL(src.URL), "src-provider": r.PostFormValue("provider"),
		"src-topics": r.PostFormValue("topics"), "src-interval": src.Interval, "src-dedicated": r.PostFormValue("dedicated")}
	msg := "Added " + src.URL
	err := h.changeSources(r.Context(), func(l *sources.List) error {
		// A listed address as the page shows it, masked, names that
		// source: already listed, not a new one whose password is the
		// mask.
		if l.Find(src.URL) < 0 {
			u, err := listedURL(addresses(l), src.URL)
			if err != nil {
				return &fieldError{id: "src-url", err: err}
			}
			src.URL = u
		}
		return l.Add(src)
	}, func(ctx context.Context) error {
		// A source removed after failures and added again is fetched
		// at the next round, as a new one is; not added, it keeps them.
		_, err := sources.ForgetFailures(ctx, h.cfg.Store, src.URL)
		return err
	})
	h.sourceDone(w, r, s, msg, err, typed)
}

func (h *Handler) sourceRemove(w http.ResponseWriter, r *http.Request, s session) {
	u := r.PostFormValue("url")
	err := h.changeSources(r.Context(), func(l *sources.List) error {
		listed, err := listedURL(addresses(l), u)
		if err != nil {
			return err
		}
		if !l.Remove(listed) {
			return errNotListed(u)
		}
		return nil
	}, nil)
	h.sourceDone(w, r, s, "Removed "+u, err, nil)
}

func (h *Handler) sourcePause(w http.ResponseWriter, r *http.Request, s session) {
	u := r.PostFormValue("url")
	h.sourcesMu.Lock()
	defer h.sourcesMu.Unlock()
	listed, err := h.listedSource(r.Context(), u)
	if err == nil {
		err = sources.Pause(r.Context(), h.cfg.Store, h.cfg.SiteDir, listed)
	}
	h.sourceDone(w, r, s, "Paused "+u, err, nil)
}

func (h *Handler) sourceResume(w http.ResponseWriter, r *http.Request, s session) {
	u := r.PostFormValue("url")
	h.sourcesMu.Lock()
	defer h.sourcesMu.Unlock()
	listed, err := h.listedSource(r.Context(), u)
	if err == nil {
		err = sources.Resume(r.Context(), h.cfg.Store, h.cfg.SiteDir, listed)
	}
	h.sourceDone(w, r, s, "Resumed "+u+": it is fetched at the next round", err, nil)
}

// listedSource returns the listed address that u names (see listedURL).
func (h *Handler) listedSource(ctx context.Context, u string) (string, error) {
	l, err := sources.Load(ctx, h.cfg.Store, h.cfg.SiteDir)
	if err != nil {
		return "", err
	}
	return listedURL(addresses(l), u)
}

func addresses(l *sources.List) []string {
	out := make([]string, len(l.Sources()))
	for i, s := range l.Sources() {
		out[i] = s.URL
	}
	return out
}

// listedURL returns the address of known that posted names: as it is,
// or masked as the pages show it (see sources.ListedURL).
func listedURL(known []string, posted string) (string, error) {
	return sources.ListedURL(known, posted)
}

// changeSources applies change to the list of sources and saves it, in
// the store and the site folder, under the lock every process saving it
// takes (sources.Change); then, once saved, runs saved if not nil.
func (h *Handler) changeSources(ctx context.Context, change func(*sources.List) error, saved func(context.Context) error) error {
	h.sourcesMu.Lock()
	defer h.sourcesMu.Unlock()
	err := sources.Change(ctx, h.cfg.Store, h.cfg.SiteDir, change)
	if err == nil && saved != nil {
		err = saved(ctx)
	}
	return err
}

// sourceDone ends a change of the sources with msg, or with err when it
// failed; typed, when not nil, is what the form's fields held, filled in
// again after a failure, the field err is about marked.
func (h *Handler) sourceDone(w http.ResponseWriter, r *http.Request, s session, msg string, err error, typed map[string]string) {
	f := flash{Text: msg + "."}
	if err != nil {
		h.log.Warn("admin: sources", "user", s.user, "err", model.MaskURLs(err.Error()))
		f = flash{Text: "Not done: " + err.Error(), Error: true, Typed: typed}
		if typed != nil {
			f.Field = fieldOf(err)
		}
	} else {
		h.log.Info("admin: sources", "user", s.user, "done", model.MaskURLs(msg))
	}
	h.done(w, r, s, Prefix+"sources/", f)
}

type errNotListed string

func (e errNotListed) Error() string {
	return "source " + model.QuotedURL(string(e)) + " is not listed"
}
