package newsletter

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
)

//go:embed templates
var templates embed.FS

// The e-mail is laid out for mail clients rather than browsers: nested
// tables 600 pixels wide, every style inline, no script, no style sheet,
// no web font, XHTML 1.0 Transitional (the doctype their renderers handle
// best). html/template escapes every text and attribute.
var (
	htmlTemplate = template.Must(template.New("issue.html").Funcs(template.FuncMap{"link": newLink, "dir": dir}).
			ParseFS(templates, "templates/issue.html"))
	textTemplate = texttemplate.Must(texttemplate.New("issue.txt").Funcs(texttemplate.FuncMap{"wrap": wrap, "upper": strings.ToUpper, "voiceSuffix": voiceSuffix}).
			ParseFS(templates, "templates/issue.txt"))
)

// linkView is a title linked when it has a URL. Style comes from the
// template's own text, never from a record.
type linkView struct {
	Text, URL string
	Style     template.CSS
	Dir       template.HTMLAttr
}

func newLink(text, url, style string) linkView {
	return linkView{Text: text, URL: url, Style: template.CSS(style), Dir: dir(text)}
}

// dir returns the attribute that sets a text right to left when it is
// written so (its first letter is Hebrew, Arabic, …), else nothing. In
// the e-mail's left-to-right flow, a Hebrew or Arabic headline would be
// aligned left and have its end (a full stop, the ellipsis of a summary
// cut short, a closing quote) put at its start. The e-mail's doctype
// knows no dir="auto", and Outlook ignores it.
func dir(s string) template.HTMLAttr {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL:
			return ` dir="rtl"`
		case bidi.L:
			return ""
		}
	}
	return ""
}

// HTMLLang is the language of the issue's e-mail: English for an issue
// composed when it was the e-mail's whatever the site's.
func (is *Issue) HTMLLang() string { return cmp.Or(is.Lang, "en") }

// HTML renders the issue as an HTML e-mail, the body of its record.
func (is *Issue) HTML() (string, error) {
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, is); err != nil {
		return "", fmt.Errorf("newsletter %s: html: %w", is.Date, err)
	}
	return squeeze(b.String(), false), nil
}

// Text renders the issue as plain text, the alternative part of the mail.
func (is *Issue) Text() (string, error) {
	var b bytes.Buffer
	if err := textTemplate.Execute(&b, is); err != nil {
		return "", fmt.Errorf("newsletter %s: text: %w", is.Date, err)
	}
	return squeeze(b.String(), true), nil
}

// squeeze drops trailing spaces and the blank lines the templates' actions
// leave; with keep, a run of blank lines becomes one.
func squeeze(s string, keep bool) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, " \t\r\n")
		if line == "" {
			blank++
			continue
		}
		if keep && blank > 0 && b.Len() > 0 {
			b.WriteByte('\n')
		}
		blank = 0
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// voiceSuffix names a voice after a publisher in plain text.
func voiceSuffix(v *Voice) string {
	if v == nil {
		return ""
	}
	return " (" + v.Name + ")"
}

// textWidth is the width plain text is wrapped to.
const textWidth = 72

// wrap folds s into lines of at most textWidth characters where it has
// spaces; the first line starts with first, the others with indent.
func wrap(s, first, indent string) string {
	var b strings.Builder
	b.WriteString(first)
	col := utf8.RuneCountInString(first)
	for i, w := range strings.Fields(s) {
		n := utf8.RuneCountInString(w)
		switch {
		case i == 0:
		case col+1+n > textWidth:
			b.WriteString("\n" + indent)
			col = utf8.RuneCountInString(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	return b.String()
}
