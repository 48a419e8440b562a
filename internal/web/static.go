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

// serveStatic answers the file name (a slash path) of the site folder's
// static folder, which every build puts in OUT at the same path (see
// publish.StaticDir), by the same rules (publish.OpenStatic): nothing
// outside the folder, no special file, no folder listed. It reports
// false, answering nothing, where there is no such file.
func (w *Web) serveStatic(rw http.ResponseWriter, r *http.Request, name string) bool {
	f, fi, ok := w.openStatic(name)
	if !ok {
		return false
	}
	defer f.Close()
	h := rw.Header()
	if ctype := mime.TypeByExtension(path.Ext(name)); ctype != "" {
		h.Set("Content-Type", ctype)
		if strings.HasPrefix(ctype, "text/html") {
			// The server compresses HTML as it is written, which a
			// range of the file would not survive.
			r = r.Clone(r.Context())
			r.Header.Del("Range")
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
