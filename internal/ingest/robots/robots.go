// Package robots reads robots.txt (RFC 9309) and answers whether a path may
// be fetched by a user agent: the groups whose User-agent product token is
// the agent's (compared whole, case-insensitively: a "news" group is not
// for "newshub"), else those for "*"; the longest matching Allow or
// Disallow rule, "*" and "$" wildcards, Allow winning ties.
package robots

import (
	"bufio"
	"bytes"
	"fmt"
	"net/url"
	"strings"
)

// Rules are the parsed rules of one robots.txt that apply to one agent.
type Rules struct {
	rules []rule
	delay float64 // Crawl-delay, seconds (not in the RFC, widely sent)
}

type rule struct {
	allow   bool
	pattern string
}

// AllowAll is the rule set for a site without robots.txt.
var AllowAll = &Rules{}

// Parse reads robots.txt and keeps the rules for agent (a product token
// such as "newshub", matched case-insensitively). A line it cannot read
// (longer than the 1 MiB that any robots.txt line needs) is an error, not
// the end of the rules.
func Parse(body []byte, agent string) (*Rules, error) {
	agent = strings.ToLower(agent)
	type group struct {
		agents []string
		rules  []rule
		delay  float64
	}
	var groups []*group
	var cur *group
	inAgents := false
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		switch key {
		case "user-agent":
			if !inAgents {
				cur = &group{}
				groups = append(groups, cur)
				inAgents = true
			}
			cur.agents = append(cur.agents, productToken(val))
		case "allow", "disallow":
			inAgents = false
			if cur == nil || (val == "" && key == "disallow") {
				continue // "Disallow:" with nothing allows everything
			}
			cur.rules = append(cur.rules, rule{allow: key == "allow", pattern: val})
		case "crawl-delay":
			inAgents = false
			if cur != nil {
				var d float64
				for _, r := range val {
					if r < '0' || r > '9' {
						break
					}
					d = d*10 + float64(r-'0')
				}
				cur.delay = d
			}
		default:
			inAgents = false // sitemap and unknown lines end an agent list too
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	// The groups naming the agent apply, merged; else those for "*".
	out := &Rules{}
	for _, want := range []func(string) bool{
		func(a string) bool { return a != "*" && a != "" && a == agent },
		func(a string) bool { return a == "*" },
	} {
		matched := false
		for _, g := range groups {
			for _, a := range g.agents {
				if want(a) {
					out.rules = append(out.rules, g.rules...)
					out.delay = max(out.delay, g.delay)
					matched = true
					break
				}
			}
		}
		if matched {
			return out, nil
		}
	}
	return out, nil
}

// productToken returns the product token a User-agent line names, lower
// case: its leading letters, "_" and "-" ("NewsHub/1.0" names "newshub"),
// or "*".
func productToken(val string) string {
	if strings.HasPrefix(val, "*") {
		return "*"
	}
	n := 0
	for n < len(val) {
		c := val[n]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			break
		}
		n++
	}
	return strings.ToLower(val[:n])
}

// CrawlDelay returns the Crawl-delay the rules ask for, in seconds.
func (r *Rules) CrawlDelay() float64 { return r.delay }

// Allowed reports whether the URL's path and query may be fetched.
func (r *Rules) Allowed(rawURL string) bool {
	path := "/"
	if u, err := url.Parse(rawURL); err == nil {
		path = u.EscapedPath()
		if path == "" {
			path = "/"
		}
		if u.RawQuery != "" {
			path += "?" + u.RawQuery
		}
	}
	best, allow := -1, true
	for _, ru := range r.rules {
		if !match(ru.pattern, path) {
			continue
		}
		n := len(ru.pattern)
		if n > best || (n == best && ru.allow) {
			best, allow = n, ru.allow
		}
	}
	return allow
}

// match reports whether a robots pattern matches path: "*" is any run of
// characters, a trailing "$" anchors the end, everything else is a prefix.
func match(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		if last && anchored {
			return len(path)-pos >= len(p) && strings.HasSuffix(path, p)
		}
		j := strings.Index(path[pos:], p)
		if j < 0 {
			return false
		}
		pos += j + len(p)
	}
	return !anchored || pos == len(path)
}
