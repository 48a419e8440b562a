package web

import (
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"newshub/internal/publish"
)

// ServeStatic answers the file of the site folder's static folder at the
// request's path, as serveStatic does: the server asks it for a path of
// the API or the feeds that names no document of newshub's, where a build
// puts a static file in OUT as anywhere else.
func (w *Web) ServeStatic(rw http.ResponseWriter, r *http.Request) bool {
	return w.serveStatic(rw, r, strings.TrimPrefix(r.URL.Path, "/"))
}

// serveStatic answers the file name (a slash path) of the site folder's
// static folder, which every build puts in OUT at the same path (see
// publish.StaticDir), by the same rules (publish.OpenStatic): nothing
// outside the folder, no special file, no folder listed, and none at the
// path of a file or folder newshub makes, which a build refuses. It
// reports false, answering nothing, where there is no such file.
func (w *Web) serveStatic(rw http.ResponseWriter, r *http.Request, name string) bool {
	f, fi, ok := w.openStatic(name)
	if !ok {
		return false
	}
	defer f.Close()
	if w.builds(r, name) {
		return false
	}
	h := rw.Header()
	if ctype := mime.TypeByExtension(path.Ext(name)); ctype != "" {
		h.Set("Content-Type", ctype)
		if strings.HasPrefix(ctype, "text/html") {
			// The server compresses HTML as it is written, which a
			// range of the file would not survive.
			r = r.Clone(r.Context())
			r.Header.Del("Range")
			// Said here, not only by the compressing server as it
			// writes HTML: a 304 carries no Content-Type, yet the Vary
			// of the 200 it stands for.
			h.Set("Vary", "Accept-Encoding")
		}
	}
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(rw, r, name, fi.ModTime(), f)
	return true
}

// hasStaticIndex reports whether the folder dir (a slash path) of the
// static folder holds an index.html that serveStatic answers: a static
// host answers the folder's name without its slash by a redirect to it.
func (w *Web) hasStaticIndex(dir string) bool {
	f, _, ok := w.openStatic(path.Join(dir, "index.html"))
	if ok {
		f.Close()
	}
	return ok
}

// openStatic opens the file name of the static folder as serveStatic
// answers it.
func (w *Web) openStatic(name string) (*os.File, fs.FileInfo, bool) {
	if w.siteDir == "" || !fs.ValidPath(name) || name == "." || strings.Contains(name, "\\") {
		return nil, nil, false
	}
	root, err := os.OpenRoot(filepath.Join(w.siteDir, publish.StaticDir))
	if err != nil {
		return nil, nil, false
	}
	defer root.Close()
	f, fi, err := publish.OpenStatic(root, name)
	if err != nil {
		return nil, nil, false
	}
	return f, fi, true
}

// builtFiles are the files of a build's own at the top of OUT that serve
// answers otherwise than from the static folder.
var builtFiles = map[string]bool{"404.html": true, "favicon.svg": true}

// builds reports whether a build makes a file at name (a slash path), or
// a folder of pages or documents, where it refuses a static file: serve
// answers there as without it. It is asked only once a static file is
// found there, which is seldom.
func (w *Web) builds(r *http.Request, name string) bool {
	if builtFiles[name] || name == "search" {
		return true
	}
	if w.views == nil {
		return false
	}
	ctx := r.Context()
	v, err := w.views.Current(ctx)
	if err != nil {
		return false
	}
	if name == "api" || name == "feeds" || strings.HasPrefix(name, "api/") || strings.HasPrefix(name, "feeds/") {
		return v.Folder(ctx, name)
	}
	segs := strings.Split(name, "/")
	if segs[0] == "news" && len(segs) > 1 && len(segs) < 5 && dateFolder(segs[1:]) {
		// The news of a date, current or archived.
		return true
	}
	folder := "/" + name + "/"
	if segs[len(segs)-1] == "page" {
		folder += "2/" // a list's pages, when it has a second
	}
	vc := w.cacheOf(v)
	page := r.Clone(ctx)
	page.URL.Path, page.URL.RawPath, page.URL.RawQuery = folder, "", ""
	if _, err = w.route(ctx, vc, page); err == nil {
		return true
	}
	return holdsPages(vc, name)
}

// holdsPages reports whether a build writes pages under the folder name
// that has no page of its own (topics/, event/, learning/articles/), or
// the assets.
func holdsPages(vc *viewCache, name string) bool {
	switch name {
	case "assets":
		return true
	case "topics":
		return len(vc.site.Topics) > 0
	case "stories":
		return len(vc.v.Stories()) > 0
	case "news":
		return len(vc.v.Stories()) > 0 || len(vc.v.Loose()) > 0
	}
	for _, key := range vc.others().recordKeys {
		if strings.HasPrefix(key, name+"/") {
			return true
		}
	}
	return false
}

// dateFolder reports whether segs are the leading segments of an article
// key's date ("2024", "2024/05", "2024/05/31").
func dateFolder(segs []string) bool {
	for i, s := range segs {
		if len(s) != []int{4, 2, 2}[i] || strings.Trim(s, "0123456789") != "" {
			return false
		}
	}
	return true
}
