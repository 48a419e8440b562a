package postgres

import (
	"errors"
	"regexp"
	"strings"
)

// Redact returns dsn with the password it may hold masked, for messages:
// in its user part or as its password parameter, both of which PostgreSQL
// takes, and whether or not the address parses, as a mistyped one printed
// to say so does not. A password pasted unescaped may hold '@', '/', '?'
// or '#', so unless the address reads as written (see misread) the user
// part's password is taken to run to the address's last '@': that may
// mask more than the password, never less. An address in libpq's
// key=value form (host=db password=…), which newshub refuses saying so,
// has its password masked too.
func Redact(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return keywordPassword.ReplaceAllString(redactParams(dsn), "${1}password=xxxxx")
	}
	if user, secret, at, ok := userPassword(rest); ok && secret != "" {
		if i := strings.IndexAny(rest, "@/"); rest[i] == '@' && i < at && !misread(dsn) {
			at = i // an '@' in a parameter's value (application_name=ops@box)
		}
		rest = user + ":xxxxx" + rest[at:]
	}
	return scheme + "://" + redactParams(rest)
}

// userPassword finds the user and the password of an address's user part
// (rest is what follows "scheme://"), the password running from the
// user's ':' to the last '@', at.
func userPassword(rest string) (user, secret string, at int, ok bool) {
	at = strings.LastIndex(rest, "@")
	if at < 0 {
		return "", "", 0, false
	}
	user, secret, ok = strings.Cut(rest[:at], ":")
	if !ok || strings.ContainsAny(user, "@/?#") {
		return "", "", 0, false
	}
	return user, secret, at, true
}

// redactParams masks the password parameter of an address's query.
func redactParams(s string) string {
	rest, query, ok := strings.Cut(s, "?")
	if !ok {
		return s
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		if k, _, ok := strings.Cut(p, "="); ok && k == "password" {
			params[i] = k + "=xxxxx"
		}
	}
	return rest + "?" + strings.Join(params, "&")
}

// keywordPassword matches the password of libpq's key=value form: a word
// running to the next space, or a quoted value, in which \' is a quote.
var keywordPassword = regexp.MustCompile(`(^|\s)password\s*=\s*('(?:\\.|[^'\\])*'?|\S*)`)

// errPasswordUnescaped says an address's password holds a character that
// ends the user part of a URL, or starts an escape, as it is.
var errPasswordUnescaped = errors.New("the password in the address holds a character an address reserves (@ / ? # %, or a space): " +
	"write it percent-encoded (@ as %40, / as %2F, ? as %3F, # as %23, % as %25, a space as %20)")

// reserved matches what a password cannot hold as it is: read as it is,
// the address would end its user part early, or not parse.
var reserved = regexp.MustCompile(`[@/?# ]|%([^0-9A-Fa-f]|.[^0-9A-Fa-f]|.?$)`)

// hostPort matches the start of what userPassword takes for a password in
// an address with no user part but an '@' in its query
// (postgres://db:5432/hub?application_name=a@b): the port.
var hostPort = regexp.MustCompile(`^[0-9]+([/,?]|$)`)

// unescapedPassword reports whether the password of an address that does
// not parse holds a character it must escape, likely why.
func unescapedPassword(dsn string) bool {
	_, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return false
	}
	_, secret, _, ok := userPassword(rest)
	return ok && !hostPort.MatchString(secret) && reserved.MatchString(secret)
}

// misread reports whether an address that parses was read otherwise than
// written, as one with a password holding '@' or '/' unescaped is: the
// driver ends the user part at the first '@' or '/', and takes the rest
// of the password for the host ("cret@db.example.org", looked up), the
// database or a parameter, naming it in its messages. An '@' after the
// host's end, in a parameter's value (application_name=ops@box), is none
// of that.
func misread(dsn string) bool {
	_, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return false
	}
	i := strings.IndexAny(rest, "@/")
	if i < 0 || !strings.Contains(rest[:i], ":") {
		return false
	}
	after := rest[i+1:]
	if rest[i] == '/' {
		// No user part read, though one with a password is written:
		// the '/' was the password's if an '@' follows in the path.
		path, _, _ := strings.Cut(after, "?")
		return strings.Contains(path, "@")
	}
	host, query := after, ""
	if j := strings.IndexAny(after, "/?"); j >= 0 {
		host = after[:j]
		if _, q, ok := strings.Cut(after, "?"); ok {
			query = q
		}
	}
	if strings.Contains(host, "@") {
		return true
	}
	for _, p := range strings.Split(query, "&") {
		if k, _, _ := strings.Cut(p, "="); strings.ContainsAny(k, "@/") {
			return true // "a@b?cret@db/hub": the password's rest as a name
		}
	}
	return false
}
