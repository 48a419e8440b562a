package site

import (
	"net/url"
	"strings"
)

// SafeURL returns u when it is an absolute http(s) URL with a host, else
// "". It is the rule for every link and picture the hub publishes to be
// followed or loaded (website pages and feeds): any other scheme
// (javascript:, vbscript:, data:, whatever its case or the white space
// around it) or none is not shown. A URL holding a control character does
// not parse, so "java\tscript:" is refused too.
func SafeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// Language returns a site's locale as a language tag (BCP 47), as HTML's
// lang and the feeds' language want it: og:locale and many Jekyll sites
// write theirs with an underscore ("en_US"), which readers take for no
// language.
func Language(locale string) string {
	return strings.ReplaceAll(strings.TrimSpace(locale), "_", "-")
}

// HTMLLang returns a site's locale as HTML's lang attribute writes it:
// the language in lower case, a region in upper case ("en-US"), and "en"
// for a site that says none.
func HTMLLang(locale string) string {
	l := Language(locale)
	if l == "" {
		return "en"
	}
	if lang, region, ok := strings.Cut(l, "-"); ok {
		return strings.ToLower(lang) + "-" + strings.ToUpper(region)
	}
	return strings.ToLower(l)
}
