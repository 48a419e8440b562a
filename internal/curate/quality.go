package curate

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
	"unique"

	"newshub/internal/model"
)

// The terms of the quality score (see the package documentation).
const (
	DefaultPrior = 50  // publisher prior when the organization sets none
	MinQuality   = 35  // the range Smartable's records show
	MaxQuality   = 185 //
)

// clickbait are lower-case markers of a headline written for clicks.
var clickbait = []string{
	"you won't believe", "you wont believe", "won't believe", "shocking", "jaw-dropping",
	"mind-blowing", "will blow your mind", "what happened next", "what happens next",
	"this is why", "here's why", "heres why", "the reason why will", "goes viral",
	"click here", "must see", "must-see", "you need to know", "number one reason",
	"!!", "?!",
}

// Quality scores an article from its publisher's prior and its own
// signals, and returns the score with one explanation line a term. It is a
// pure function of its inputs; org may be nil.
func Quality(a *model.Article, org *model.Organization) (int, []string) {
	var why []string
	score := 0
	add := func(n int, format string, args ...any) {
		score += n
		why = append(why, line(fmt.Sprintf("%+d ", n)+fmt.Sprintf(format, args...)))
	}

	if org != nil && org.Quality > 0 {
		// A prior as large as an int holds would wrap round to the
		// floor with the other terms; any prior this far past the
		// ceiling gives the ceiling.
		add(min(org.Quality, math.MaxInt32), "publisher prior (%s)", org.Domain)
	} else {
		add(DefaultPrior, "publisher prior (default)")
	}

	if im, ok := largestImage(a.Images); ok {
		add(20, "image")
		switch {
		case im.Width >= 1000:
			add(10, "large image %dx%d", im.Width, im.Height)
		case im.Width >= 600:
			add(5, "medium image %dx%d", im.Width, im.Height)
		}
	}
	if a.AmpWebURL != "" {
		add(15, "AMP page")
	}

	n := utf8.RuneCountInString(strings.TrimSpace(a.Excerpt))
	switch {
	case n >= 200:
		add(15, "excerpt of %d characters (200 or more)", n)
	case n >= 100:
		add(10, "excerpt of %d characters (100-199)", n)
	case n >= 40:
		add(5, "excerpt of %d characters (40-99)", n)
	default:
		add(0, "excerpt of %d characters (under 40)", n)
	}

	title := strings.TrimSpace(a.Title)
	n = utf8.RuneCountInString(title)
	switch {
	case n == 0:
		add(-20, "no title")
	case n >= 30 && n <= 110:
		add(10, "title of %d characters (30-110)", n)
	case n >= 15 && n <= 150:
		add(5, "title of %d characters (15-29 or 111-150)", n)
	default:
		add(0, "title of %d characters (outside 15-150)", n)
	}
	if shouting(title) {
		add(-10, "title in capitals")
	}
	if m := clickbaitMarker(title); m != "" {
		add(-15, "clickbait marker %q in title", m)
	}

	clamped := min(max(score, MinQuality), MaxQuality)
	if clamped != score {
		why = append(why, line(fmt.Sprintf("= %d, kept within %d-%d: %d", score, MinQuality, MaxQuality, clamped)))
	} else {
		why = append(why, line(fmt.Sprintf("= %d", score)))
	}
	return clamped, why
}

// largestImage returns the widest image, or the first when none has a size.
func largestImage(ims []model.Image) (model.Image, bool) {
	best, ok := model.Image{}, false
	for _, im := range ims {
		if im.URL == "" {
			continue
		}
		if !ok || im.Width*max(im.Height, 1) > best.Width*max(best.Height, 1) {
			best, ok = im, true
		}
	}
	return best, ok
}

// shouting reports a title written in capitals: at least eight letters and
// no lower-case one. Scripts without case (CJK, Arabic) never shout.
func shouting(title string) bool {
	letters := 0
	for _, r := range title {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			letters++
		}
	}
	return letters >= 8
}

// clickbaitMarker returns the first clickbait marker the title contains.
func clickbaitMarker(title string) string {
	lower := strings.ToLower(strings.ReplaceAll(title, "’", "'"))
	for _, m := range clickbait {
		if strings.Contains(lower, m) {
			return m
		}
	}
	return ""
}

// line returns the one copy of an explanation line: most lines read the
// same for thousands of articles ("+20 image", "= 105"), and a batch
// holds the explanations of every article it curates.
func line(s string) string { return unique.Make(s).Value() }
