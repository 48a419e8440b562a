package openapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// loadDocument parses and validates an OpenAPI document as kin-openapi
// reads it.
func loadDocument(data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	return doc, nil
}

// A checker validates exchanges with a server against a document.
type checker struct {
	doc  *openapi3.T
	rt   *router
	opts *openapi3filter.Options
}

func newChecker(data []byte) (*checker, error) {
	doc, err := loadDocument(data)
	if err != nil {
		return nil, err
	}
	rt, err := newRouter(doc)
	if err != nil {
		return nil, err
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true, // an undocumented status fails
		MultiError:            true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			// kin-openapi checks only the date formats itself.
			openapi3.WithStringFormatValidator("uri", uriFormat{absolute: true}),
			openapi3.WithStringFormatValidator("uri-reference", uriFormat{}),
		},
	}
	return &checker{doc: doc, rt: rt, opts: opts}, nil
}

// uriFormat checks the uri (absolute http or https URL) and uri-reference
// formats.
type uriFormat struct{ absolute bool }

func (f uriFormat) Validate(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if f.absolute && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

// An exchange is one request to the server and its answer.
type exchange struct {
	req  *http.Request
	resp *http.Response
	body []byte // as sent, compressed or not
}

// get asks the hub's server for path (with its query) and reads the whole
// answer, compressed as sent.
func (hub *servedHub) get(t *testing.T, path string, hdr http.Header) exchange {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, hub.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, hdr)
	resp, err := hub.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ex := exchange{req: req, resp: resp}
	if ex.body, err = io.ReadAll(resp.Body); err != nil {
		t.Fatal(err)
	}
	return ex
}

// A verdict is what the document says of an exchange.
type verdict struct {
	tpl      *template
	params   map[string]string
	request  error // the request breaks the document's parameters
	response error // the answer breaks the document
}

// check validates an exchange: the request's parameters, and the answer's
// status, headers, content type and body. A gzip body is validated as
// what it decompresses to.
func (c *checker) check(ex exchange) verdict {
	ctx := context.Background()
	tpl, params, err := c.rt.match(ex.req.URL.Path)
	if err != nil {
		return verdict{response: err}
	}
	v := verdict{tpl: tpl, params: params}
	route := &routers.Route{Spec: c.doc, Path: tpl.path, PathItem: tpl.item, Method: http.MethodGet, Operation: tpl.item.Get}
	in := &openapi3filter.RequestValidationInput{Request: ex.req, PathParams: params, Route: route, Options: c.opts}
	v.request = openapi3filter.ValidateRequest(ctx, in)
	body, hdr, err := decoded(ex)
	if err != nil {
		v.response = err
		return v
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: ex.resp.StatusCode,
		Header: hdr, Options: c.opts}
	out.SetBodyBytes(body)
	var errs []error
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.checkContentType(tpl, ex), checkXMLFeed(ex.resp.Header.Get("Content-Type"), body),
		checkHeaders(tpl, ex))
	v.response = errors.Join(errs...)
	return v
}

// framing are the headers of every answer that HTTP itself defines (its
// date, how its body is delimited and typed), which the document leaves
// to the protocol and to each response's media types.
var framing = map[string]bool{"Date": true, "Content-Length": true, "Content-Type": true, "Connection": true}

// checkHeaders checks the headers of an answer against those the document
// lists for its status: none that it does not list, which a client
// reading the document would not know of, and, for a 304, which
// kin-openapi does not validate, every one it requires.
func checkHeaders(tpl *template, ex exchange) error {
	ref := tpl.item.Get.Responses.Status(ex.resp.StatusCode)
	if ref == nil || ref.Value == nil {
		if ex.resp.StatusCode == http.StatusNotModified {
			return errors.New("304 is not documented")
		}
		return nil // ValidateResponse reports the status
	}
	documented := http.Header{}
	for name, h := range ref.Value.Headers {
		documented.Set(name, strconv.FormatBool(h.Value != nil && h.Value.Required))
	}
	var errs []error
	for name := range ex.resp.Header {
		if !framing[name] && documented[name] == nil {
			errs = append(errs, fmt.Errorf("%d answered with %s, which the document does not list", ex.resp.StatusCode, name))
		}
	}
	for name, required := range documented {
		if ex.resp.StatusCode == http.StatusNotModified && required[0] == "true" && ex.resp.Header[name] == nil {
			errs = append(errs, fmt.Errorf("%d answered without %s, which the document requires", ex.resp.StatusCode, name))
		}
	}
	return errors.Join(errs...)
}

// decoded returns the body of an answer uncompressed, and its headers as
// they describe that body.
func decoded(ex exchange) ([]byte, http.Header, error) {
	if ex.resp.Header.Get("Content-Encoding") != "gzip" {
		return ex.body, ex.resp.Header, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(ex.body))
	if err != nil {
		return nil, nil, fmt.Errorf("gzip body: %w", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, nil, fmt.Errorf("gzip body: %w", err)
	}
	return body, ex.resp.Header, nil
}

// checkContentType checks what kin-openapi leaves aside: the answer's
// media type is exactly a documented one, with charset=utf-8.
func (c *checker) checkContentType(tpl *template, ex exchange) error {
	ct := ex.resp.Header.Get("Content-Type")
	if ex.resp.StatusCode == http.StatusNotModified {
		return nil
	}
	ref := tpl.item.Get.Responses.Status(ex.resp.StatusCode)
	if ref == nil || ref.Value == nil || len(ref.Value.Content) == 0 {
		return nil // ValidateResponse reports it
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("Content-Type %q: %w", ct, err)
	}
	if ref.Value.Content[mt] == nil {
		return fmt.Errorf("Content-Type %q is not documented for %d", ct, ex.resp.StatusCode)
	}
	if params["charset"] != "utf-8" {
		return fmt.Errorf("Content-Type %q: want charset=utf-8", ct)
	}
	return nil
}

// checkXMLFeed checks what the document can only name for the XML feeds:
// an RSS 2.0 or Atom 1.0 document, well formed, of at most 50 items.
func checkXMLFeed(ct string, body []byte) error {
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "application/rss+xml":
		var rss struct {
			XMLName xml.Name `xml:"rss"`
			Version string   `xml:"version,attr"`
			Channel struct {
				Title string `xml:"title"`
				Items []struct {
					Title string `xml:"title"`
					GUID  string `xml:"guid"`
				} `xml:"item"`
			} `xml:"channel"`
		}
		if err := xml.Unmarshal(body, &rss); err != nil {
			return fmt.Errorf("RSS: %w", err)
		}
		if rss.Version != "2.0" || rss.Channel.Title == "" || len(rss.Channel.Items) > 50 {
			return fmt.Errorf("RSS version %q, title %q, %d items", rss.Version, rss.Channel.Title, len(rss.Channel.Items))
		}
	case "application/atom+xml":
		var atom struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Entries []struct {
				ID string `xml:"id"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(body, &atom); err != nil {
			return fmt.Errorf("Atom: %w", err)
		}
		if atom.ID == "" || len(atom.Entries) > 50 {
			return fmt.Errorf("Atom id %q, %d entries", atom.ID, len(atom.Entries))
		}
	}
	return nil
}

// links returns the URLs under base a JSON or XML answer holds (sourceUrl,
// lead, a feed's item ids), as site paths.
func links(base string, body []byte) []string {
	var out []string
	for _, field := range bytes.FieldsFunc(body, func(r rune) bool { return strings.ContainsRune("\"<> \n", r) }) {
		s := string(field)
		if rest, ok := strings.CutPrefix(s, base+"/"); ok && (strings.HasPrefix(rest, "api/") || strings.HasPrefix(rest, "feeds/")) {
			out = append(out, rest)
		}
	}
	return out
}
