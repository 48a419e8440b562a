package curate

import (
	"slices"
	"unicode/utf8"

	"newshub/internal/model"
)

// KeyOf is the canonical URL of an article, computed when missing: the
// key the store finds it by and decisions name it by.
func KeyOf(a *model.Article) string {
	if a.CanonicalURL != "" {
		return a.CanonicalURL
	}
	if a.OriginalURL != "" {
		return CanonicalURL(a.OriginalURL)
	}
	return CanonicalURL(a.WebURL)
}

// Merge folds what src knew of an article into dst: empty fields of dst
// take src's value, as does a publisher named by its domain alone where
// src names it (a page read later gives its site's name), the longer
// excerpt wins, images are united (by URL, dst's first), the earliest
// publication time is kept, and related coverage is united by canonical
// URL. Curated values (quality, heat, published, topics) are taken from
// src only when dst does not carry them.
func Merge(dst, src *model.Article) {
	if dst == nil || src == nil || dst == src {
		return
	}
	fill := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	fill(&dst.Category, src.Category)
	fill(&dst.Title, src.Title)
	fill(&dst.OriginalURL, src.OriginalURL)
	fill(&dst.WebURL, src.WebURL)
	fill(&dst.AmpWebURL, src.AmpWebURL)
	fill(&dst.CdnAmpWebURL, src.CdnAmpWebURL)
	fill(&dst.Type, src.Type)
	fill(&dst.Secured, src.Secured)
	fill(&dst.FeaturedContent, src.FeaturedContent)
	fill(&dst.CanonicalURL, src.CanonicalURL)
	fill(&dst.GUID, src.GUID)
	fill(&dst.Story, src.Story)
	if dst.Provider.Name == dst.Provider.Domain && src.Provider.Domain == dst.Provider.Domain && src.Provider.Name != "" {
		dst.Provider.Name = src.Provider.Name
	}
	fill(&dst.Provider.Name, src.Provider.Name)
	fill(&dst.Provider.Domain, src.Provider.Domain)
	if len(dst.Provider.Images) == 0 {
		dst.Provider.Images = src.Provider.Images
	}
	if utf8.RuneCountInString(src.Excerpt) > utf8.RuneCountInString(dst.Excerpt) {
		dst.Excerpt = src.Excerpt
	}
	if !src.PublishedDateTime.IsZero() && (dst.PublishedDateTime.IsZero() || src.PublishedDateTime.Before(dst.PublishedDateTime)) {
		dst.PublishedDateTime = src.PublishedDateTime
	}
	if !src.FetchedAt.IsZero() && (dst.FetchedAt.IsZero() || src.FetchedAt.Before(dst.FetchedAt)) {
		dst.FetchedAt = src.FetchedAt
	}
	dst.Images = unionImages(dst.Images, src.Images)
	dst.Related = unionRelated(dst.Related, src.Related)
	if !dst.Has.Quality && src.Has.Quality {
		dst.Quality, dst.Has.Quality = src.Quality, true
	}
	if !dst.Has.Heat && src.Has.Heat {
		dst.Heat, dst.Has.Heat = src.Heat, true
	}
	if !dst.Has.Published && src.Has.Published {
		dst.Published, dst.Has.Published = src.Published, true
	}
	if !dst.Has.Topics && src.Has.Topics {
		dst.Topics, dst.Has.Topics = append([]string(nil), src.Topics...), true
	} else if len(dst.Topics) == 0 {
		dst.Topics = append([]string(nil), src.Topics...)
	}
}

// unionImages returns a's images followed by those of b with a new URL; an
// image seen in both keeps the larger known size.
func unionImages(a, b []model.Image) []model.Image {
	if len(b) == 0 {
		return a
	}
	at := map[string]int{}
	for i, im := range a {
		at[im.URL] = i
	}
	// a is copied before its first change: the list it came in may be
	// shared (Commit keeps the arrivals' lists as given, uncopied).
	copied := false
	for _, im := range b {
		i, ok := at[im.URL]
		if ok && (a[i].Width != 0 || a[i].Height != 0) {
			continue
		}
		if !copied {
			a, copied = slices.Clip(slices.Clone(a)), true
		}
		if ok {
			a[i].Width, a[i].Height = im.Width, im.Height
			continue
		}
		at[im.URL] = len(a)
		a = append(a, im)
	}
	return a
}

// unionRelated returns a's related entries followed by b's entries whose
// canonical URL a lacks.
func unionRelated(a, b []model.Related) []model.Related {
	if len(b) == 0 {
		return a
	}
	seen := map[string]bool{}
	for _, r := range a {
		seen[CanonicalURL(r.WebURL)] = true
	}
	for _, r := range b {
		k := CanonicalURL(r.WebURL)
		if seen[k] {
			continue
		}
		seen[k] = true
		a = append(slices.Clip(a), r) // never into a shared list's spare room
	}
	return a
}
