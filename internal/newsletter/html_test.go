package newsletter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"newshub/internal/model"
	"newshub/internal/testutil"
)

// checkMailHTML fails t where doc breaks the rules of an HTML e-mail.
func checkMailHTML(t *testing.T, doc string) {
	t.Helper()
	for _, p := range mailProblems(doc) {
		t.Error(p)
	}
}

// mailProblems lists where doc breaks the rules of an HTML e-mail:
// well-formed tables for layout, inline styles only, nothing that runs or
// loads a style sheet, pictures with alt text and a size, links to http(s)
// only.
func mailProblems(doc string) []string {
	var out []string
	errorf := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	out = append(out, tableProblems(doc)...)
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return append(out, err.Error())
	}
	widths := 0
	for n := range root.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Link, atom.Iframe, atom.Object, atom.Embed, atom.Form, atom.Input, atom.Base:
			errorf("<%s> in an e-mail", n.Data)
		case atom.Img:
			for _, k := range []string{"alt", "width", "height", "src"} {
				if _, ok := attr(n, k); !ok {
					errorf("<img> without %s: %s", k, render(n))
				}
			}
			for _, k := range []string{"width", "height"} {
				if v, _ := attr(n, k); !isPositive(v) {
					errorf("<img %s=%q>", k, v)
				}
			}
			if v, _ := attr(n, "src"); !isHTTP(v) {
				errorf("<img src=%q>: not an http(s) URL", v)
			}
		case atom.A:
			if v, ok := attr(n, "href"); !ok || !isHTTP(v) {
				errorf("<a href=%q>: not an http(s) URL", v)
			}
		case atom.Table:
			if v, _ := attr(n, "width"); v == "600" {
				widths++
			}
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				errorf("event handler %s=%q", a.Key, a.Val)
			}
			if a.Key == "style" {
				low := strings.ToLower(a.Val)
				for _, bad := range []string{"url(", "@import", "expression", "behavior", "javascript"} {
					if strings.Contains(low, bad) {
						errorf("style %q holds %s", a.Val, bad)
					}
				}
			}
		}
	}
	if widths != 1 {
		errorf("%d tables of width 600, want the one content table", widths)
	}
	return out
}

// tableProblems reads the markup as written (html.Parse would repair it):
// every table, tr and td is closed, in order, and cells sit in rows that
// sit in tables.
func tableProblems(doc string) []string {
	var out []string
	errorf := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	z := html.NewTokenizer(strings.NewReader(doc))
	var stack []atom.Atom
	line := 1
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		line += strings.Count(string(z.Raw()), "\n")
		name, _ := z.TagName()
		a := atom.Lookup(name)
		if a != atom.Table && a != atom.Tr && a != atom.Td && a != atom.Th {
			continue
		}
		switch tt {
		case html.StartTagToken:
			var parent atom.Atom
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			switch {
			case a == atom.Tr && parent != atom.Table,
				(a == atom.Td || a == atom.Th) && parent != atom.Tr,
				a == atom.Table && parent != 0 && parent != atom.Td:
				errorf("line %d: <%s> inside <%s>", line, a, parent)
			}
			stack = append(stack, a)
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != a {
				errorf("line %d: </%s> does not close the open %v", line, a, stack)
				return out
			}
			stack = stack[:len(stack)-1]
		case html.SelfClosingTagToken:
			errorf("line %d: self-closing <%s/>", line, a)
		}
	}
	if len(stack) > 0 {
		errorf("unclosed %v", stack)
	}
	return out
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func render(n *html.Node) string {
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}

func isPositive(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0
}

func isHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// tidy validates doc with HTML Tidy against its doctype: no warning, no
// error. Without tidy the check is skipped, except under CI=true, where
// scripts/test installs it.
func tidy(t *testing.T, doc string) {
	t.Helper()
	bin, err := exec.LookPath("tidy")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tidy is missing (scripts/test installs Debian's tidy package; required under CI=true)")
		}
		t.Log("tidy is not installed: the e-mail is checked without a validator")
		return
	}
	file := filepath.Join(t.TempDir(), "issue.html")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-q", "-e", "-utf8", file).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) || len(out) > 0 {
		t.Fatalf("tidy (%v):\n%s", err, out)
	} else if err != nil {
		t.Fatal(err)
	}
}

func TestEmailHTMLPassesChecks(t *testing.T) {
	h := sharedHub(t)
	for _, d := range []Date{{2026, 10, 14}, {2026, 10, 27}, {2026, 11, 1}} {
		t.Run(d.String(), func(t *testing.T) {
			doc := mustHTML(t, composeDay(t, h, d))
			checkMailHTML(t, doc)
			tidy(t, doc)
		})
	}
}

// hostile edits the leads of one day so that their fields try every way
// into the markup: tags, quotes, entities and scripts in texts, script
// and data URLs in links and pictures.
func hostile(day Date, loc *time.Location) func(*model.Record) {
	return func(r *model.Record) {
		a := r.Article
		if a == nil || !a.Published || DateOf(a.PublishedDateTime.In(loc)) != day {
			return
		}
		a.Title = `Fed & <b>"Markets"</b> <script>alert(1)</script>rally 'now'`
		a.Excerpt = `Rates <img src=x onerror="alert(2)"> held; <a href="javascript:alert(3)">more</a> & less</p><style>body{}</style>`
		a.WebURL, a.OriginalURL = "javascript:alert(4)", "data:text/html,<script>alert(5)</script>"
		a.Provider.Name = `The "Daily" <i>Bugle</i>`
		a.Images = []model.Image{{URL: "javascript:alert(6)", Width: 100, Height: 50}, {URL: "https://img.example.org/a.jpg?x=1&y=\"2\"", Width: 1200, Height: 600}}
		for i := range a.Related {
			a.Related[i].Title = `</td></tr></table><script>alert(7)</script>Related`
			a.Related[i].WebURL = " vbscript:msgbox(8)"
		}
	}
}

func TestEmailEscapesEveryText(t *testing.T) {
	day := Date{2026, 10, 14}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	is := composeDay(t, genHub(t, 2000, hostile(day, loc)), day)
	doc := mustHTML(t, is)
	checkMailHTML(t, doc)
	tidy(t, doc)
	for _, bad := range []string{"alert(", "javascript:", "vbscript:", "data:text", "<b>", "<i>", "onerror"} {
		if strings.Contains(doc, bad) {
			t.Errorf("the e-mail holds %q", bad)
		}
	}
	text, err := is.Text()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"alert(", "javascript:", "<b>", "</td>"} {
		if strings.Contains(text, bad) {
			t.Errorf("the text part holds %q", bad)
		}
	}
	// The texts read as the publisher wrote them, without the markup.
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for n := range root.Descendants() {
		if n.Type == html.TextNode {
			texts = append(texts, n.Data)
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{`Fed & "Markets" rally 'now'`, `The "Daily" Bugle`, "Rates held; more & less"} {
		if !strings.Contains(all, want) {
			t.Errorf("the e-mail lacks the text %q", want)
		}
	}
	if is.Unlinked == 0 {
		t.Error("titles without a safe URL were not counted")
	}
	if !strings.Contains(doc, `src="https://img.example.org/a.jpg?x=1&amp;y=%222%22"`) {
		t.Error("the second, safe picture is not shown, escaped")
	}
}

func TestMailChecksCatchFaults(t *testing.T) {
	good := `<!DOCTYPE html><html><head><title>t</title></head><body><table width="600"><tr><td>` +
		`<a href="https://example.org/">a</a><img src="https://example.org/i.jpg" alt="i" width="120" height="68" />` +
		`</td></tr></table></body></html>`
	if p := mailProblems(good); len(p) > 0 {
		t.Fatalf("a good e-mail fails: %q", p)
	}
	tests := []struct{ name, from, to, want string }{
		{"script", "<title>t</title>", "<title>t</title><script>x()</script>", "<script>"},
		{"style sheet", "<title>t</title>", `<title>t</title><link rel="stylesheet" href="https://example.org/s.css">`, "<link>"},
		{"style element", "<title>t</title>", `<title>t</title><style>p{}</style>`, "<style>"},
		{"handler", `<td>`, `<td onclick="x()">`, "event handler"},
		{"style url", `<td>`, `<td style="background:url(https://example.org/x.png)">`, "url("},
		{"img without alt", ` alt="i"`, ``, "without alt"},
		{"img without size", ` width="120"`, ``, "without width"},
		{"img zero height", `height="68"`, `height="0"`, `height="0"`},
		{"img data src", `src="https://example.org/i.jpg"`, `src="data:image/png;base64,AAAA"`, "not an http(s) URL"},
		{"javascript link", `href="https://example.org/"`, `href="javascript:x()"`, "not an http(s) URL"},
		{"mailto link", `href="https://example.org/"`, `href="mailto:a@example.org"`, "not an http(s) URL"},
		{"relative link", `href="https://example.org/"`, `href="/page"`, "not an http(s) URL"},
		{"unclosed cell", `</td></tr>`, `</tr>`, "does not close"},
		{"cell outside a row", `<tr><td>`, `<td>`, "<td> inside <table>"},
		{"no content width", `width="600"`, `width="100%"`, "tables of width 600"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(good, tc.from, tc.to, 1)
			if doc == good {
				t.Fatalf("%q not in the document", tc.from)
			}
			p := mailProblems(doc)
			if !strings.Contains(strings.Join(p, "\n"), tc.want) {
				t.Fatalf("problems %q, want one saying %q", p, tc.want)
			}
		})
	}
}

// TestADayOfManyStoriesStaysUnderGmailsClip gives a day more stories than
// an issue holds, each with a long headline, summary and address and
// four related articles: the issue's HTML stays under the size past which
// Gmail clips a message, holding the hottest stories, and says it holds
// some of the day's.
func TestADayOfManyStoriesStaysUnderGmailsClip(t *testing.T) {
	day := Date{2026, 10, 14}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	h := genHub(t, 700, onDay(day, loc, func(n int, a *model.Article) {
		a.Title = strings.Repeat("Lawmakers weigh the budget, ", 6) + strconv.Itoa(n)
		a.Excerpt = strings.Repeat("The committee met late into the night over the plan. ", 6)
		a.WebURL = "https://www.example-publisher.com/politics/2026/10/14/" + strings.Repeat("lawmakers-weigh-the-budget-", 5) + strconv.Itoa(n)
		a.Related = nil
		for i := range 4 {
			a.Related = append(a.Related, model.Related{Title: a.Title + " (" + strconv.Itoa(i) + ")",
				WebURL: a.WebURL + "-" + strconv.Itoa(i), Provider: model.Provider{Name: "Other Desk", Domain: "otherdesk.example.org"}})
		}
	}))
	is := composeDay(t, h, day)
	doc := mustHTML(t, is)
	if len(doc) > maxHTML {
		t.Fatalf("the e-mail weighs %d bytes, past %d", len(doc), maxHTML)
	}
	if is.Stories >= DefaultMaxStories || is.Stories < DefaultMaxStories/2 || is.DayStories <= DefaultMaxStories {
		t.Fatalf("%d stories of the day's %d, want over half of the %d an issue holds, not all", is.Stories, is.DayStories, DefaultMaxStories)
	}
	for _, sec := range is.Sections {
		for _, st := range sec.Stories {
			if st.Rank >= is.Stories {
				t.Errorf("story of rank %d kept, of %d stories: the hottest are kept", st.Rank, is.Stories)
			}
		}
	}
	want := fmt.Sprintf("The %d most covered of the day&#8217;s %d stories", is.Stories, is.DayStories)
	if !strings.Contains(doc, want) {
		t.Errorf("the e-mail does not say %q", want)
	}
	checkMailHTML(t, doc)
}

// TestRightToLeftTextsAreSetSo gives a day's stories headlines, summaries
// and related headlines in Hebrew and Arabic, in English beginning with
// digits and quotes, and in Japanese: each right-to-left text is in an
// element set right to left, each other is not; the e-mail passes tidy.
func TestRightToLeftTextsAreSetSo(t *testing.T) {
	day := Date{2026, 10, 14}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	texts := []struct {
		title, excerpt, related string
		rtl                     bool
	}{
		{"«2026»: הכנסת מאשרת את התקציב.", "השרים נפגשו עד מאוחר בלילה...", "ועדת הכספים דנה בתקציב!", true},
		{"البرلمان يقر الميزانية؟", "اجتمع الوزراء حتى وقت متأخر…", "\"لجنة\" المالية تناقش الميزانية", true},
		{`"2026": Parliament passes the budget`, "Ministers met late into the night.", "The finance committee meets", false},
		{"東京株式市場が反発", "日本銀行は金利を据え置いた。", "市場は反応した", false},
	}
	h := genHub(t, 700, onDay(day, loc, func(n int, a *model.Article) {
		tx := texts[n%len(texts)]
		a.Title, a.Excerpt = tx.title, tx.excerpt
		a.Related = []model.Related{{Title: tx.related, WebURL: "https://otherdesk.example.org/" + strconv.Itoa(n),
			Provider: model.Provider{Name: "Other Desk", Domain: "otherdesk.example.org"}}}
	}))
	is := composeDay(t, h, day)
	if is.Stories < len(texts) {
		t.Fatalf("%d stories, want %d", is.Stories, len(texts))
	}
	doc := mustHTML(t, is)
	tidy(t, doc)
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	dirOf := map[string]string{} // a text: the dir of the element it is in
	for n := range root.Descendants() {
		if n.Type == html.TextNode && n.Parent.Type == html.ElementNode && n.Parent.DataAtom != atom.Title {
			d, _ := attr(n.Parent, "dir")
			dirOf[n.Data] = d
		}
	}
	for _, tx := range texts {
		want := ""
		if tx.rtl {
			want = "rtl"
		}
		for _, s := range []string{tx.title, tx.excerpt, tx.related} {
			if d, ok := dirOf[s]; !ok {
				t.Errorf("%q is not the text of an element", s)
			} else if d != want {
				t.Errorf("%q is in an element of dir=%q, want %q", s, d, want)
			}
		}
	}
}

// onDay returns an edit of a generated hub's records that moves the
// published leads of the sixty days up to noon of day (in loc) to that
// day, a second apart, and edits each, numbered from 1, with edit: a
// small hub so has a day of many stories.
func onDay(day Date, loc *time.Location, edit func(n int, a *model.Article)) func(*model.Record) {
	noon := day.Start(loc).Add(12 * time.Hour)
	n := 0
	return func(r *model.Record) {
		a := r.Article
		if a == nil || !a.Published || a.PublishedDateTime.Before(noon.AddDate(0, 0, -60)) || a.PublishedDateTime.After(noon) {
			return
		}
		n++
		a.PublishedDateTime = noon.Add(-time.Duration(n) * time.Second)
		edit(n, a)
	}
}

// TestTheEmailIsInTheSitesLanguage composes an issue of hubs whose sites
// say their language each its way: the e-mail's root element must carry
// it as lang and xml:lang, English where the site says none, and an
// issue kept from before the e-mail had a language is in English.
func TestTheEmailIsInTheSitesLanguage(t *testing.T) {
	day := Date{2026, 10, 14}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	h := genHub(t, 50, onDay(day, loc, func(int, *model.Article) {}))
	tests := []struct{ locale, lang string }{
		{"pt_br", "pt-BR"},
		{"de-de", "de-DE"},
		{"fr", "fr"},
		{"", "en"},
	}
	for _, tt := range tests {
		cfg := *h.site.Config
		cfg.Locale = tt.locale
		s := *h.site
		s.Config = &cfg
		is, err := Compose(context.Background(), h.st, &s, day, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if got := rootLang(t, mustHTML(t, is)); got != [2]string{tt.lang, tt.lang} {
			t.Errorf("locale %q: lang and xml:lang %q, want %q", tt.locale, got, tt.lang)
		}
	}
	var kept Issue // as composed before issues kept their language
	if err := json.Unmarshal([]byte(`{"SiteName":"Hub"}`), &kept); err != nil {
		t.Fatal(err)
	}
	if got := rootLang(t, mustHTML(t, &kept)); got != [2]string{"en", "en"} {
		t.Errorf("an issue kept without its language: lang and xml:lang %q, want en", got)
	}
}

// rootLang is the lang and xml:lang of the root element of doc.
func rootLang(t *testing.T, doc string) [2]string {
	for n := range testutil.ParseHTML(t, doc).Descendants() {
		if n.DataAtom == atom.Html {
			return [2]string{testutil.Attr(n, "lang"), testutil.Attr(n, "xml:lang")}
		}
	}
	t.Fatal("no root element")
	return [2]string{}
}
