package gen

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	"newshub/internal/gen/picture"
	"newshub/internal/model"
)

// PictureDir is the folder of a generated site that holds its pictures.
// It follows the layout of Smartable's sites, whose organization records
// point at logos under /assets/images/: a hub serves the folder as is
// under its base URL, and records refer to its files by URLs relative to
// the site ("/assets/images/news/2026/10/story-17.svg").
const PictureDir = "assets/images"

// pictureFile is a picture to write into the site.
type pictureFile struct {
	path          string // slash path in the site, under PictureDir
	art           drawer
	width, height int
}

// drawer is a picture description that renders itself as SVG.
type drawer interface{ AppendSVG([]byte) []byte }

// url is the site-relative URL records use for the picture.
func (p pictureFile) url() string { return "/" + p.path }

// image is the picture as a record lists it.
func (p pictureFile) image(cached bool) model.Image {
	im := model.Image{URL: p.url(), Width: p.width, Height: p.height}
	if cached {
		im.IsCached = ptr(true)
	}
	return im
}

// writePicture renders p into buf and writes it under out, making its
// folder on first use. It returns buf for the next picture.
func writePicture(out string, p pictureFile, buf []byte) ([]byte, error) {
	buf = p.art.AppendSVG(buf[:0])
	name := filepath.Join(out, filepath.FromSlash(p.path))
	err := os.WriteFile(name, buf, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(name), 0o755); err == nil {
			err = os.WriteFile(name, buf, 0o644)
		}
	}
	if err != nil {
		return buf, fmt.Errorf("write %s: %w", p.path, err)
	}
	return buf, nil
}

// newsSizes are the sizes of story pictures, those of common news photos.
var newsSizes = [...][2]int{{1200, 675}, {1280, 720}, {1200, 800}}

// storyPicture is the illustration the articles of a story share; used
// says whether any of them shows it, so that only those are written.
type storyPicture struct {
	file pictureFile
	used bool
}

// newStoryPicture drafts the picture of story number n, drawn at for the
// story's frame in the colours of its protagonist.
func (g *generator) newStoryPicture(n int, f frame, who *person, at time.Time) *storyPicture {
	size := newsSizes[g.rng.IntN(len(newsSizes))]
	p := picture.Picture{Motif: f.motif, Width: size[0], Height: size[1],
		Palette: picture.PaletteAt(who.palette), Seed: g.rng.Uint64()}
	return &storyPicture{file: pictureFile{path: PictureDir + "/news/" + at.Format("2006/01") + "/story-" + strconv.Itoa(n) + ".svg",
		art: p, width: p.Width, height: p.Height}}
}

// image returns the record's image of the picture and marks it used.
func (p *storyPicture) image() []model.Image {
	p.used = true
	return []model.Image{p.file.image(true)}
}

// illustration drafts picture p, named name under folder, with a seed of
// its own.
func (g *generator) illustration(folder, name string, p picture.Picture) pictureFile {
	p.Seed = g.rng.Uint64()
	return pictureFile{path: PictureDir + "/" + folder + "/" + name + ".svg", art: p, width: p.Width, height: p.Height}
}

// anyPalette draws a palette.
func (g *generator) anyPalette() picture.Palette {
	return picture.PaletteAt(g.rng.IntN(picture.NumPalettes))
}

// stem is the file name of a record path without its extension:
// "town-hall" for "_events/town-hall.md".
func stem(recPath string) string {
	name := path.Base(recPath)
	return name[:len(name)-len(path.Ext(name))]
}

// logo drafts the logo of a publisher.
func (g *generator) logo(name, domain string) pictureFile {
	const size = 400
	return pictureFile{path: PictureDir + "/organizations/" + domain + ".svg",
		art: picture.Logo{Name: name, Size: size, Seed: g.rng.Uint64()}, width: size, height: size}
}

// logoImages are a publisher's logo at the sizes Smartable's records list:
// one vector file serves both.
func logoImages(p pictureFile, sizes ...int) []model.Image {
	ims := make([]model.Image, len(sizes))
	for i, s := range sizes {
		ims[i] = model.Image{URL: p.url(), Width: s, Height: s}
	}
	return ims
}
