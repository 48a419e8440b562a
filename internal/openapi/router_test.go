package openapi_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// A template is one documented path and the operation it answers with.
type template struct {
	path    string // as documented: "/api/news/{topic}/page{page}/index.json"
	re      *regexp.Regexp
	names   []string // of the path parameters, in order
	literal int      // characters outside {…}: more is more specific
	item    *openapi3.PathItem
}

// pending returns why a template is documented ahead of the publisher
// serving it, from its x-pending extension, or "".
func (tp *template) pending() string {
	if s, ok := tp.item.Extensions["x-pending"].(string); ok {
		return s
	}
	return ""
}

// A router maps request paths to documented templates. kin-openapi's
// gorillamux router orders templates by their number of parameters, then in
// reverse lexical order, which sends /api/news/page2/index.json to
// /api/news/{topic}/index.json; the publisher (and this router) reads
// page2 as a page: the template with more literal characters wins.
// TestRouterDiffersFromGorillaMuxOnlyOnPageAliases shows the difference.
type router struct {
	templates []*template
}

var paramRef = regexp.MustCompile(`\{([^{}]+)\}`)

func newRouter(doc *openapi3.T) (*router, error) {
	r := &router{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		if item.Get == nil {
			return nil, fmt.Errorf("%s: no GET operation", path)
		}
		tp := &template{path: path, item: item}
		var expr strings.Builder
		expr.WriteString("^")
		last := 0
		for _, m := range paramRef.FindAllStringSubmatchIndex(path, -1) {
			expr.WriteString(regexp.QuoteMeta(path[last:m[0]]))
			tp.literal += m[0] - last
			name := path[m[2]:m[3]]
			p := item.Get.Parameters.GetByInAndName(openapi3.ParameterInPath, name)
			if p == nil {
				return nil, fmt.Errorf("%s: no path parameter %q", path, name)
			}
			expr.WriteString("(" + segmentExpr(p.Schema.Value) + ")")
			tp.names = append(tp.names, name)
			last = m[1]
		}
		expr.WriteString(regexp.QuoteMeta(path[last:]) + "$")
		tp.literal += len(path) - last
		tp.re = regexp.MustCompile(expr.String())
		r.templates = append(r.templates, tp)
	}
	sort.SliceStable(r.templates, func(i, j int) bool { return r.templates[i].literal > r.templates[j].literal })
	return r, nil
}

// segmentExpr is what a path parameter may match: digits for an integer,
// the schema's pattern for a string that has one, else one segment.
func segmentExpr(s *openapi3.Schema) string {
	switch {
	case s.Type.Is("integer"):
		return "[0-9]+"
	case s.Pattern != "":
		return strings.TrimSuffix(strings.TrimPrefix(s.Pattern, "^"), "$")
	}
	return "[^/]+"
}

// match returns the template a request path (such as "/api/news/page2/" or
// "/feeds/rss.xml") belongs to and its path parameters. A folder path is
// the folder's index.json, which the server answers the same. Of the
// templates that fit, the one with the most literal characters wins; two
// equally specific ones are an error, as the document is then ambiguous.
func (r *router) match(path string) (*template, map[string]string, error) {
	if strings.HasSuffix(path, "/") && strings.HasPrefix(path, "/api/") {
		path += "index.json"
	}
	var best *template
	var params map[string]string
	for _, tp := range r.templates {
		if best != nil && tp.literal < best.literal {
			break
		}
		m := tp.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		if best != nil {
			return nil, nil, fmt.Errorf("%s fits both %s and %s", path, best.path, tp.path)
		}
		best = tp
		params = map[string]string{}
		for i, name := range tp.names {
			params[name] = m[i+1]
		}
	}
	if best == nil {
		return nil, nil, fmt.Errorf("%s: no documented path", path)
	}
	return best, params, nil
}

// undocumented lists the site paths ("api/news/index.json") that no
// template fits, or fit two, with the reason.
func (r *router) undocumented(paths []string) []string {
	var bad []string
	for _, p := range paths {
		if _, _, err := r.match("/" + p); err != nil {
			bad = append(bad, err.Error())
		}
	}
	sort.Strings(bad)
	return bad
}
