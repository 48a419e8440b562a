package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"newshub/internal/publish"
)

// PictureDir is the folder of a site that holds its own pictures (topic
// images, publishers' logos, and the generated pictures of a demo hub),
// served and built at the same path; records name them by site-relative
// URLs ("/assets/images/…").
const PictureDir = "assets/images"

// pictureTypes are the types of the pictures served from the site folder;
// any other file there is not served.
var pictureTypes = map[string]string{
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
}

// pictureSecurity is the Content-Security-Policy of a served picture: an
// SVG opened on its own runs nothing and loads nothing.
const pictureSecurity = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// servePicture serves a picture of the site folder's assets/images (name
// is the path below it). The folder is opened as an os.Root, so no name
// (.., a symbolic link) reaches a file outside it; folders are not listed.
// It reports false, answering nothing, where there is no such picture.
func (w *Web) servePicture(rw http.ResponseWriter, r *http.Request, name string) bool {
	ctype, ok := pictureTypes[strings.ToLower(path.Ext(name))]
	if w.siteDir == "" || !ok || name == "" || strings.Contains(name, "\\") || path.Clean(name) != name {
		return false
	}
	root, err := os.OpenRoot(filepath.Join(w.siteDir, filepath.FromSlash(PictureDir)))
	if err != nil {
		return false
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(name))
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	h := rw.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", pictureSecurity)
	// Pictures keep their names when redrawn rarely: a day, then a
	// revalidation by Last-Modified.
	h.Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(rw, r, name, fi.ModTime(), f)
	return true
}

// copyPictures copies the site folder's pictures into a static build at
// the same path; files of other types, and anything but regular files,
// are left out and counted.
func (w *Web) copyPictures(ctx context.Context, out *publish.Output) (copied, skipped int, err error) {
	if w.siteDir == "" {
		return 0, 0, nil
	}
	src := filepath.Join(w.siteDir, filepath.FromSlash(PictureDir))
	root, err := os.OpenRoot(src)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("pictures: %w", err)
	}
	defer root.Close()
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if _, ok := pictureTypes[strings.ToLower(path.Ext(p))]; !ok || !d.Type().IsRegular() {
			skipped++
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		// A picture whose file kept its size and times is left as the
		// previous build copied it, unread.
		rel, stamp := PictureDir+"/"+p, pictureStamp(fi)
		copied++
		if out.KeepStamped(rel, func(prev string) bool { return stamp != "" && prev == stamp }) {
			return nil
		}
		data, err := root.ReadFile(filepath.FromSlash(p))
		if err != nil {
			return err
		}
		return out.PutStamped(rel, data, stamp)
	})
	if err != nil {
		return copied, skipped, fmt.Errorf("pictures: %w", err)
	}
	return copied, skipped, nil
}

// pictureStamp tells a picture's file apart from what it held before: its
// size, modification time and change time. It is read before the bytes,
// so a file written meanwhile is only read again next time. Without a
// change time, which no one can set back, it is "": the picture is read
// every time.
func pictureStamp(fi fs.FileInfo) string {
	ctime, ok := changeTime(fi)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d\x00%d\x00%d", fi.Size(), fi.ModTime().UnixNano(), ctime)
}
