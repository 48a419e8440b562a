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
	if w.siteDir == "" || !fs.ValidPath(name) || name == "." || strings.Contains(name, "\\") {
		return false
	}
	root, err := os.OpenRoot(filepath.Join(w.siteDir, publish.StaticDir))
	if err != nil {
		return false
	}
	defer root.Close()
	f, fi, err := publish.OpenStatic(root, name)
	if err != nil {
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
