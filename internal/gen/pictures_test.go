package gen

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/testutil"
)

// svgHead reads the size of a picture from its root element; package
// picture checks that its documents are well-formed.
var svgHead = regexp.MustCompile(`^<svg xmlns="http://www.w3.org/2000/svg" width="(\d+)" height="(\d+)"`)

func svgSize(data []byte) (w, h int, err error) {
	m := svgHead.FindSubmatch(data)
	if m == nil {
		return 0, 0, fmt.Errorf("no svg root with a width and height: %.80q", data)
	}
	w, _ = strconv.Atoi(string(m[1]))
	h, _ = strconv.Atoi(string(m[2]))
	return w, h, nil
}

// siteImages returns every image a record refers to, as the record gives it.
func siteImages(rec *model.Record) []model.Image {
	var ims []model.Image
	switch {
	case rec.Article != nil:
		ims = append(ims, rec.Article.Images...)
		ims = append(ims, rec.Article.Provider.Images...)
		for _, r := range rec.Article.Related {
			ims = append(ims, r.Images...)
		}
	case rec.Organization != nil:
		ims = rec.Organization.Images
	case rec.Person != nil:
		ims = rec.Person.Images
	case rec.Event != nil:
		ims = rec.Event.Images
		if rec.Event.Provider != nil {
			ims = append(ims, rec.Event.Provider.Images...)
		}
	case rec.Learning != nil:
		ims = rec.Learning.Images
		if rec.Learning.Provider != nil {
			ims = append(ims, rec.Learning.Provider.Images...)
		}
	case rec.Topic != nil:
		for _, u := range rec.Topic.Images {
			ims = append(ims, model.Image{URL: u})
		}
	}
	return ims
}

func TestPicturesAreInTheSiteAndMatchTheirRecords(t *testing.T) {
	files := testutil.Files(t, generate(t, Options{Articles: 400, Seed: 9}))
	used := map[string]bool{}
	refs := 0
	for p, data := range files {
		if strings.HasPrefix(p, PictureDir+"/") {
			continue
		}
		rec, err := content.Parse(p, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range siteImages(rec) {
			refs++
			// Site-relative, so the hub shows it with no network.
			name, ok := strings.CutPrefix(im.URL, "/"+PictureDir+"/")
			if !ok {
				t.Errorf("%s: image %s is not under /%s/", p, im.URL, PictureDir)
				continue
			}
			svg, ok := files[PictureDir+"/"+name]
			if !ok {
				t.Errorf("%s: image %s is not in the site", p, im.URL)
				continue
			}
			used[PictureDir+"/"+name] = true
			w, h, err := svgSize(svg)
			if err != nil {
				t.Errorf("%s: %v", im.URL, err)
				continue
			}
			switch {
			case im.Width == 0 && rec.Topic != nil: // topic images have no size
			case strings.HasPrefix(name, "organizations/"):
				// One vector logo serves every listed size.
				if im.Width != im.Height || w != h {
					t.Errorf("%s: logo %s listed at %d×%d, drawn at %d×%d", p, im.URL, im.Width, im.Height, w, h)
				}
			case im.Width != w || im.Height != h:
				t.Errorf("%s: %s listed at %d×%d, drawn at %d×%d", p, im.URL, im.Width, im.Height, w, h)
			}
		}
	}
	if refs < 400 {
		t.Fatalf("only %d image references in a hub of 400 articles", refs)
	}
	for p, data := range files {
		if !strings.HasPrefix(p, PictureDir+"/") {
			continue
		}
		if !used[p] {
			t.Errorf("%s: no record shows it", p)
		}
		// Small enough for a site of 100,000 articles to carry its pictures.
		if len(data) < 200 || len(data) > 6000 {
			t.Errorf("%s: %d bytes, want a few hundred to a few thousand", p, len(data))
		}
	}
}

func TestTheCoverageOfAStoryShowsOnePicture(t *testing.T) {
	recs := collect(t, Options{Articles: 2000, Seed: 4})
	news := recs[model.KindNews]
	picture := map[string]string{} // article URL → its image
	for _, r := range news {
		if len(r.Article.Images) > 0 {
			picture[r.Article.WebURL] = r.Article.Images[0].URL
		}
	}
	stories, shown, distinct := 0, 0, map[string]bool{}
	for _, r := range news {
		a := r.Article
		if !a.Published {
			continue
		}
		stories++
		want := picture[a.WebURL]
		for _, rel := range a.Related {
			got := picture[rel.WebURL]
			switch {
			case want == "":
				want = got
			case got != "" && got != want:
				t.Errorf("%s: one story shows %s and %s", r.Path, want, got)
			}
		}
		if want != "" {
			shown++
			if distinct[want] {
				t.Errorf("%s: two stories show %s", r.Path, want)
			}
			distinct[want] = true
		}
	}
	// 85% of articles show the picture: most stories have one, some none.
	if shown == 0 || shown == stories || shown < stories*3/4 {
		t.Errorf("%d of %d stories have a picture", shown, stories)
	}
}
