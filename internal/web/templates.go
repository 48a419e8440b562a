package web

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// templates holds one parsed template set per page kind, and the assets
// with their content hashes (for cache busting).
type templates struct {
	pages   map[string]*template.Template
	assets  map[string][]byte
	version map[string]string // asset name → short content hash
}

// pageKinds are the content templates; each is parsed with the layout.
var pageKinds = []string{"home", "events", "people", "learning", "record", "newsletters", "newsletter", "search", "message", "notfound"}

func parseTemplates() (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}, assets: map[string][]byte{}, version: map[string]string{}}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		sum := sha256.Sum256(b)
		t.assets[name] = b
		t.version[name] = hex.EncodeToString(sum[:])[:10]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read assets: %w", err)
	}
	base, err := template.New("layout").Funcs(t.funcs()).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	for _, kind := range pageKinds {
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(templateFS, "templates/"+kind+".html"); err != nil {
			return nil, fmt.Errorf("parse %s: %w", kind, err)
		}
		t.pages[kind] = c
	}
	return t, nil
}

// funcs are the functions the templates call. The fragments the Go
// writers also write (provider, pager, badge) come from those writers,
// so each has one definition.
func (t *templates) funcs() template.FuncMap {
	return template.FuncMap{
		"ago":     ago,
		"exact":   exact,
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"day":     func(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan 2006") },
		"clock":   func(t time.Time, loc *time.Location) string { return t.In(loc).Format("2 Jan, 15:04") },
		"plural":  plural,
		"num":     thousands,
		"asset":   func(name string) string { return "assets/" + name + "?v=" + t.version[name] },
		"sub":     func(a, b int) int { return a - b },
		"add":     func(a, b int) int { return a + b },
		"initial": func(s string) string { return cmp.Or(initial(s), "?") },
		"ctx":     func(p *page, v any) tctx { return tctx{P: p, V: v} },
		"provider": func(p *page, v *providerView) template.HTML {
			return fragment(func(b *bytes.Buffer) { p.writeProvider(b, v) })
		},
		"img": func(p *page, im *imageView, class string) template.HTML {
			return fragment(func(b *bytes.Buffer) { p.writeImage(b, im, class) })
		},
		"badge": func(v *badge, text string) template.HTML {
			return fragment(func(b *bytes.Buffer) { writeBadge(b, v, text, "") })
		},
		"pager": func(p *page, links []pageLink) template.HTML {
			return fragment(func(b *bytes.Buffer) { p.writePager(b, links) })
		},
	}
}

// fragment returns what write writes, as HTML for a template.
func fragment(write func(*bytes.Buffer)) template.HTML {
	var b bytes.Buffer
	write(&b)
	return template.HTML(b.String())
}

// render writes a whole page: the layout, and the content from its
// template or, for the topic, story and article pages, from Go (see
// render.go).
func (t *templates) render(b *bytes.Buffer, pg *page) error {
	var content func(*bytes.Buffer) error
	switch pg.Template {
	case "story":
		content = func(b *bytes.Buffer) error { pg.writeStory(b); return nil }
	case "article":
		content = func(b *bytes.Buffer) error { pg.writeArticle(b); return nil }
	case "topic":
		content = func(b *bytes.Buffer) error { pg.writeTopic(b); return nil }
	default:
		tmpl := t.pages[pg.Template]
		if tmpl == nil {
			return fmt.Errorf("no template %q", pg.Template)
		}
		content = func(b *bytes.Buffer) error { return tmpl.ExecuteTemplate(b, "content", pg) }
	}
	return pg.writeLayout(b, content)
}

// serveAsset serves an embedded asset. Asset URLs carry their content hash,
// so a matching one may be cached for good; http.ServeContent answers the
// conditional and range requests. It reports false, answering nothing,
// where there is no such asset.
func (w *Web) serveAsset(rw http.ResponseWriter, r *http.Request, name string) bool {
	b, ok := w.tmpl.assets[name]
	if !ok {
		return false
	}
	h := rw.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+w.tmpl.version[name]+`"`)
	if r.URL.Query().Get("v") == w.tmpl.version[name] {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	http.ServeContent(rw, r, name, time.Time{}, bytes.NewReader(b))
	return true
}

// ago writes how long before now t was: "just now", "5 min ago", "3 h ago",
// "2 d ago", then the date. The browser refreshes it (app.js).
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < -time.Minute:
		return t.UTC().Format("2 Jan 2006")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h ago"
	case d < 14*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " d ago"
	case now.Year() == t.Year():
		return t.UTC().Format("2 Jan")
	}
	return t.UTC().Format("2 Jan 2006")
}

// exact writes a time in the site's zone, for the hover title.
func exact(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Monday 2 January 2006, 15:04 MST")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// tctx passes the page along with a value to a sub-template.
type tctx struct {
	P *page
	V any
}
