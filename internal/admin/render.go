package admin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// page is what the layout of every page is given.
type page struct {
	Title    string
	Nav      string // the section it belongs to, for the menu
	Site     string // the hub's title
	SiteCSS  string
	AdminCSS string
	User     string // signed in; "" on the sign-in page
	CSRF     string // the form token
	Flash    flash
	CanEdit  bool // decisions can be taken
	Data     any  // the page's own
}

// parsePages parses each page's template with the layout.
func parsePages() (map[string]*template.Template, error) {
	layout, err := files.ReadFile("templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		body, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("admin: template %s: %w", n, err)
		}
		pages[name] = t
	}
	return pages, nil
}

var funcs = template.FuncMap{
	"when": when,
	"dur": func(d time.Duration) string {
		switch {
		case d <= 0:
			return "—"
		case d < time.Second:
			return d.Round(time.Millisecond).String()
		}
		return d.Round(100 * time.Millisecond).String()
	},
	"counts": counts,
	// A feed's address and the texts that may name one (errors, what a
	// read left out) are shown with its secrets masked: the area's pages
	// go to every editor, and to whoever looks over one's shoulder.
	"masked":   model.MaskURL,
	"maskText": model.MaskURLs,
	"dash": func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	},
}

// when shows a time to the minute, in UTC as the command line does.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// counts shows a count per reason, largest first: "duplicate: 3, malformed: 1".
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// render writes a page; a template that fails writes a plain error
// instead of half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.SiteCSS = h.cfg.SiteCSS
	p.AdminCSS = Prefix + "assets/admin.css?v=" + h.assets["admin.css"].version
	p.Site = "newshub"
	if s, err := h.hub(r.Context()); err == nil && s.Config.Title != "" {
		p.Site = s.Config.Title
	}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.Error("admin: render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	// The pages show what feeds sent (titles, excerpts, publishers) as
	// it is stored: the characters HTML forbids in it are left out of the
	// whole page, by the rule of the website (site.SafeText).
	body := site.SafeText(buf.String())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		io.WriteString(w, body)
	}
}

// show renders a page of a signed-in user, with the session's message.
func (h *Handler) show(w http.ResponseWriter, r *http.Request, s session, name, title string, data any) {
	f, err := h.sessions.takeFlash(r.Context(), s)
	h.logErr("the session's message", err)
	h.render(w, r, http.StatusOK, name, page{Title: title, Nav: name, User: s.user, CSRF: s.csrf,
		Flash: f, CanEdit: h.cfg.Editor != nil, Data: data})
}

// fail renders a message page with an error status.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, s session, status int, msg string) {
	h.render(w, r, status, "message", page{Title: http.StatusText(status), User: s.user, CSRF: s.csrf,
		Flash: flash{Text: msg, Error: true}})
}

// failErr logs err and renders it as a server error, or as 503 with
// Retry-After when the store is out of reach (a database restarting),
// logged once for the outage.
func (h *Handler) failErr(w http.ResponseWriter, r *http.Request, s session, err error) {
	if errors.Is(err, store.ErrUnavailable) {
		h.cfg.Outage.Failed(r.Context(), slog.LevelError, "admin: page", err, "path", r.URL.Path)
		w.Header().Set("Retry-After", "10")
		h.fail(w, r, s, http.StatusServiceUnavailable, "The hub's store could not be reached just now. Please try again in a minute.")
		return
	}
	msg := model.MaskURLs(err.Error())
	h.log.Error("admin: page", "path", r.URL.Path, "err", msg)
	h.fail(w, r, s, http.StatusInternalServerError, "Something went wrong: "+msg)
}

// done ends a form's action: it keeps a message for the next page and
// sends the browser back to back (a path within the area). The message
// is kept in the store, with what the form's fields held, and may name a
// feed: the secrets of their addresses are masked, so none is kept at
// rest.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, s session, back string, f flash) {
	f.Text = model.MaskURLs(f.Text)
	for id, v := range f.Typed {
		// A field's value whole may be an address typed without its
		// scheme, which MaskURLs does not find in a text.
		f.Typed[id] = model.MaskURLs(model.MaskURL(v))
	}
	h.logErr("keep the session's message", h.sessions.setFlash(r.Context(), s.id, f))
	http.Redirect(w, r, localPath(back), http.StatusSeeOther)
}
