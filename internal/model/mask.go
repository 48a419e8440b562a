package model

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask stands for a secret left out of an address shown to people: the
// mask Go's url.URL.Redacted puts for a password, which logs already show.
const Mask = "xxxxx"

// MaskURL returns a feed's address with what may be a secret in it
// masked, for pages, messages, logs and metrics: the password of its
// user information (https://user:xxxxx@host/feed) and the values of
// query parameters named as credentials are (see secretParam). An address
// with neither is returned as it is, so it still names its source; the
// fetch, the store and an export keep the address whole.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Unreadable as a URL, it may still be read by a person.
		return userInfo.ReplaceAllString(raw, "${1}"+Mask+"@")
	}
	if strings.Contains(u.Opaque, "@") {
		// An address typed without its scheme, "reader:secret@host/feed",
		// reads as the scheme "reader": its user information is read as
		// an address's.
		return strings.TrimPrefix(MaskURL("//"+raw), "//")
	}
	masked := false
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), Mask)
		masked = true
	}
	if q, ok := maskQuery(u.RawQuery); ok {
		u.RawQuery, masked = q, true
	}
	if !masked {
		return raw
	}
	return u.String()
}

// userInfo finds a password in an address url.Parse does not read.
var userInfo = regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://[^/?#@\s:]*:)[^/?#\s]*@`)

// maskQuery masks the values of the secret parameters of a raw query,
// keeping the others as they were written.
func maskQuery(raw string) (string, bool) {
	if raw == "" {
		return raw, false
	}
	parts := strings.Split(raw, "&")
	masked := false
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(k); err == nil && hasValue && secretParam(name) {
			parts[i], masked = k+"="+Mask, true
		}
	}
	return strings.Join(parts, "&"), masked
}

// secretWords are the last words of the names of query parameters that
// carry a credential in feed addresses: token (GitHub's private feeds,
// access_token, GitLab's feed_token), key and apikey (api_key, access_key),
// secret (client_secret), password, passwd and pwd, sig and signature (signed
// addresses: X-Amz-Signature), and auth.
var secretWords = map[string]bool{
	"token": true, "key": true, "apikey": true, "secret": true, "password": true, "passwd": true,
	"pwd": true, "sig": true, "signature": true, "auth": true,
}

// secretParam reports whether a query parameter's name says it carries a
// credential: its last word, case aside, is one of secretWords. Masking a
// parameter that held none costs only its value on a page.
func secretParam(name string) bool {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	return len(words) > 0 && secretWords[words[len(words)-1]]
}

// urlInText finds the addresses in a text: an error, an explanation.
var urlInText = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>]+`)

// MaskURLs returns text with every address in it masked as MaskURL
// masks one: an error that names a feed, a message about it.
func MaskURLs(text string) string {
	if !strings.Contains(text, "://") {
		return text
	}
	return urlInText.ReplaceAllStringFunc(text, func(u string) string {
		// Punctuation after an address ends the sentence, not the address.
		end := strings.TrimRight(u, ".,:;!?)]}")
		return MaskURL(end) + u[len(end):]
	})
}
