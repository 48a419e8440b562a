package content

import (
	"slices"
	"strconv"
	"strings"
)

// The keys newshub reads, by where they sit. A key it does not read is
// checked against them, so that a misspelt setting ("titel:", "intreval:")
// or one at the wrong indentation is named rather than left without effect.
var (
	configKeys = []string{"title", "url", "baseurl", "webUrl", "locale", "topic", "timezone",
		"news_page_size", "related_limit", "allow_private_networks", "story_window",
		"newsletter_time", "smtp", "archive_after", "purge_after"}
	smtpKeys     = []string{"host", "port", "username", "password", "password_file", "from", "to", "starttls"}
	sourceFields = []string{"url", "provider", "topics", "interval", "enabled", "dedicated"}
	decisionKeys = []string{"action", "article", "publisher", "source", "story", "story_article",
		"into", "into_article", "out", "topic", "until", "off_topic", "by", "at", "note"}
	topicKeys        = []string{"taxonomy", "_id", "name", "shortname", "parent", "keywords", "hashtags", "images", "services", "highlight"}
	highlightKeys    = []string{"textColor", "backgroundColor"}
	organizationKeys = []string{"taxonomy", "_id", "name", "domain", "images", "voice", "quality"}
)

// jekyllKeys are keys of a _config.yml that Jekyll, its usual plugins and
// Smartable's sites read: never taken for a misspelt newshub setting
// (Jekyll's host and port are not smtp's).
var jekyllKeys = []string{
	"source", "destination", "collections_dir", "plugins_dir", "layouts_dir", "data_dir",
	"includes_dir", "sass", "collections", "safe", "include", "exclude", "keep_files",
	"encoding", "markdown_ext", "strict_front_matter", "show_drafts", "limit_posts", "future",
	"unpublished", "whitelist", "plugins", "gems", "markdown", "highlighter", "lsi",
	"excerpt_separator", "incremental", "detach", "port", "host", "show_dir_listing",
	"permalink", "paginate", "paginate_path", "pagination", "quiet", "verbose", "defaults",
	"liquid", "kramdown", "rdiscount", "redcarpet", "webrick", "description", "author", "lang",
	"theme", "remote_theme", "repository", "github", "livereload", "livereload_port",
	"profile", "disable_disk_cache", "charset", "relative_links", "sitemap", "feed", "logo",
	"social", "twitter", "facebook", "google_analytics", "timezone", "title", "url", "baseurl",
}

// keyCheck says how the keys of one map are checked: known are the keys
// read there; moved are keys of another map (with where they belong, as
// "smtp.port"), which given here are taken for a wrong indentation; skip
// are keys others read that are never taken for a misspelling.
type keyCheck struct {
	known []string
	moved map[string]string
	skip  []string
}

// unknownKey returns what is wrong with key in a map checked by c: ""
// when it is read there, a key of its own (a note, a field of
// Smartable's), or like none newshub reads.
func (c keyCheck) unknownKey(key string) string {
	if slices.Contains(c.known, key) || slices.Contains(c.skip, key) {
		return ""
	}
	if at, ok := c.moved[key]; ok {
		return "unknown key " + strconv.Quote(key) + " (did you mean " + strconv.Quote(at) + "? check its indentation)"
	}
	if s := Suggest(key, c.known); s != "" {
		return "unknown key " + strconv.Quote(key) + " (did you mean " + strconv.Quote(s) + "?)"
	}
	return ""
}

// movedTo maps each of keys to where it belongs, under map.
func movedTo(under string, keys []string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = under + "." + k
	}
	return m
}

// Suggest returns the key of known that key looks like a slip for: the
// same but for case and separators ("newsletterTime", "Title"), or one
// or two letters off (one for a short key), or a key cut short
// ("newsletter" for "newsletter_time"). "" when none is.
func Suggest(key string, known []string) string {
	k := fold(key)
	if k == "" {
		return ""
	}
	for _, want := range known {
		w := fold(want)
		limit := 1
		if len(w) >= 6 {
			limit = 2
		}
		if k == w || distance(k, w) <= limit || (len(k) >= 4 && strings.HasPrefix(w, k)) {
			return want
		}
	}
	return ""
}

// fold lowers key and drops its separators.
func fold(key string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', ' ', '.':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, key)
}

// distance is the number of letters changed, added, dropped or swapped
// with their neighbour that turn a into b (optimal string alignment).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb))
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
