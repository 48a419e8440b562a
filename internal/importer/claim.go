package importer

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"newshub/internal/content"
	"newshub/internal/model"
)

// claim registers the identity of a parsed record and reports, with the
// line of the conflicting field and the site path of the file that
// claimed it first, when another file already claimed it.
func (imp *importer) claim(p parsed) (msg string, line int, owner string) {
	var key, what, field string
	switch r := p.rec; r.Kind {
	case model.KindTopic:
		key, what, field = "topic id\x00"+r.Topic.ID, "topic _id "+strconv.Quote(r.Topic.ID), "_id"
		if msg, line, owner := imp.claimKey(p, key, what, field); msg != "" {
			return msg, line, owner
		}
		key, what, field = "topic name\x00"+r.Topic.Name, "topic name "+strconv.Quote(r.Topic.Name), "name"
	case model.KindOrganization:
		d := strings.ToLower(strings.TrimPrefix(r.Organization.Domain, "www."))
		key, what, field = "org\x00"+d, "organization domain "+strconv.Quote(d), "domain"
	case model.KindNews:
		if r.Article.CanonicalURL == "" {
			return "", 0, ""
		}
		key, what, field = "url\x00"+r.Article.CanonicalURL, "article URL "+strconv.Quote(r.Article.CanonicalURL), "originalUrl"
	default:
		return "", 0, ""
	}
	return imp.claimKey(p, key, what, field)
}

func (imp *importer) claimKey(p parsed, key, what, field string) (string, int, string) {
	if first, ok := imp.owners[key]; ok {
		return fmt.Sprintf("duplicate record: %s is already given by %s", what, first), lineOf(p.rec.Raw, field), first
	}
	imp.owners[key] = p.ref.rel
	return "", 0, ""
}

// storedTwin reports a news file whose article the store holds under the
// same file name in the other news folder (_news/ or _archive/news/), the
// file's own path holding no article: a copy from before retention moved
// it (an older export, a backup brought back). Read, it would make the
// article two records, an archived one listed among current news again,
// and retention could move neither, each folder holding a record of that
// name. It is kept as it is, as a second copy within the folder is.
func (imp *importer) storedTwin(ctx context.Context, p parsed) (msg string, line int) {
	a := p.rec.Article
	if p.rec.Kind != model.KindNews || a.CanonicalURL == "" {
		return "", 0
	}
	if f, ok := imp.stored[p.rec.Path]; ok && f.kind == model.KindNews {
		return "", 0
	}
	twin, ok := content.NewsPathIn(p.rec.Path, !a.Archived)
	if f, stored := imp.stored[twin]; !ok || !stored || f.kind != model.KindNews {
		return "", 0
	}
	line = lineOf(p.rec.Raw, "originalUrl")
	rec, err := imp.st.Get(ctx, twin)
	if err != nil {
		return fmt.Sprintf("cannot tell whether %s holds its article already: %v", twin, err), line
	}
	if rec.Article == nil || rec.Article.CanonicalURL != a.CanonicalURL {
		return "", 0
	}
	return fmt.Sprintf("duplicate record: article URL %s is already stored at %s", strconv.Quote(a.CanonicalURL), twin), line
}

// lineOf returns the line of the top-level key in a record's bytes, or 1.
func lineOf(raw []byte, key string) int {
	line := 1
	s := string(raw)
	for {
		if strings.HasPrefix(s, key+":") {
			return line
		}
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return 1
		}
		s = s[i+1:]
		line++
	}
}
