package content

import (
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"newshub/internal/model"
)

// decoder turns nodes into typed values, keeping the first error.
type decoder struct {
	t     *tree
	path  string
	err   *ParseError
	utc   bool    // convert times to UTC (news)
	scope []scope // where in the document the decoder is, for messages
	// warns are what reads but looks like a mistake, in a file others
	// read too (a _config.yml key newshub does not read but Jekyll may).
	warns []*ParseError
}

// scope is one step of a field path: a key, or a list index when key is "".
type scope struct {
	key   string
	index int
}

func (d *decoder) enter(key string) { d.scope = append(d.scope, scope{key: key}) }
func (d *decoder) at(i int)         { d.scope = append(d.scope, scope{index: i}) }
func (d *decoder) leave()           { d.scope = d.scope[:len(d.scope)-1] }

// name spells the path of field key, such as related[2].provider.name.
func (d *decoder) name(key string) string {
	var b strings.Builder
	for _, s := range d.scope {
		if s.key == "" {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	if key != "" {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(key)
	}
	return b.String()
}

func (d *decoder) failf(line int, format string, args ...any) {
	if d.err == nil {
		d.err = &ParseError{Path: d.path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
}

// checkKeys names each key of kids that c takes for a mistake (see
// keyCheck): an error when strict, in newshub's own files, else a warning.
func (d *decoder) checkKeys(kids []pair, c keyCheck, strict bool) {
	for i := range kids {
		k := d.t.key(&kids[i])
		msg := c.unknownKey(k)
		if msg == "" {
			continue
		}
		if where := d.name(""); where != "" {
			msg = where + ": " + msg
		}
		if strict {
			d.failf(int(kids[i].line), "%s", msg)
			continue
		}
		d.warns = append(d.warns, &ParseError{Path: d.path, Line: int(kids[i].line), Msg: msg})
	}
}

func (d *decoder) typeErr(name string, n *node, want string) {
	what := n.describe()
	if n.kind == scalarNode {
		what = strconv.Quote(clip(d.t.val(n)))
		if n.quoted {
			// allow_private_networks: "true" is text: said plainly, or
			// the message reads "expected true or false, found "true"".
			what = "text in quotes, " + what
		}
	}
	d.failf(int(n.line), "%s: expected %s, found %s", d.name(name), want, what)
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) > 40 {
		i := 40
		for i > 0 && s[i]&0xC0 == 0x80 {
			i--
		}
		return s[:i] + "..."
	}
	return s
}

// str decodes the text field name, which may hold model.TextLimit(name)
// characters.
func (d *decoder) str(name string, n *node) string {
	return d.text(name, n, model.TextLimit(name))
}

// text decodes a text of at most limit characters.
func (d *decoder) text(name string, n *node, limit int) string {
	switch n.kind {
	case scalarNode:
		s := d.t.val(n)
		if model.OverLimit(s, limit) {
			d.failf(int(n.line), "%s longer than %d characters", d.name(name), limit)
			return ""
		}
		return s
	case nullNode:
		return ""
	}
	d.typeErr(name, n, "a string")
	return ""
}

// fits checks that a list field holds at most model.ListLimit(name)
// entries before any is decoded, so a record with a million of them is
// refused at once, for what it is.
func (d *decoder) fits(name string, n *node) bool {
	if limit := model.ListLimit(name); limit > 0 && n.kind == seqNode && int(n.n) > limit {
		d.failf(int(n.line), "%s longer than %d entries (has %d)", d.name(name), limit, n.n)
		return false
	}
	return true
}

func (d *decoder) int(name string, n *node) int {
	if n.kind == scalarNode && !n.quoted {
		if v, err := strconv.Atoi(d.t.val(n)); err == nil {
			return v
		}
		if v, err := strconv.ParseInt(d.t.val(n), 0, 64); err == nil {
			return int(v)
		}
	}
	d.typeErr(name, n, "an integer")
	return 0
}

func (d *decoder) bool(name string, n *node) bool {
	if n.kind == scalarNode && !n.quoted {
		switch d.t.val(n) {
		case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
			return true
		case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
			return false
		}
	}
	d.typeErr(name, n, "true or false")
	return false
}

func (d *decoder) boolPtr(name string, n *node) *bool {
	v := d.bool(name, n)
	return &v
}

// timeLayouts are the timestamp forms YAML allows, most common first, and
// those Jekyll reads besides (through Ruby's YAML): a zone after a space
// or without its colon, as in "2016-12-07 14:51:39 +0100", the date Jekyll
// writes in the posts it makes, which people copy into records they write
// by hand. Months and days may have one digit, as YAML allows.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-1-2T15:04:05.999999999Z07:00",
	"2006-1-2T15:04:05.999999999-0700",
	"2006-1-2T15:04:05.999999999",
	"2006-1-2 15:04:05.999999999 -0700",
	"2006-1-2 15:04:05.999999999 Z07:00",
	"2006-1-2 15:04:05.999999999Z07:00",
	"2006-1-2 15:04:05.999999999-0700",
	"2006-1-2 15:04:05.999999999",
	"2006-1-2",
}

// timestampForm is YAML's timestamp, with an offset without its colon as
// Ruby's YAML reads it too: the forms timeLayouts leave out are a
// lower-case "t", an offset in hours ("+02", "-5", as PostgreSQL prints
// one) and a space before the zone after a "T".
var timestampForm = regexp.MustCompile(`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(\.[0-9]*)?(?:[ \t]*(?:(Z)|([-+])([0-9]{1,2})(?::?([0-9]{2}))?))?$`)

// yamlTimestamp reads s in a form of timestampForm, checked as RFC 3339
// checks its fields; a time without a zone is UTC, as YAML reads it.
func yamlTimestamp(s string) (time.Time, bool) {
	m := timestampForm.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	zone := "Z"
	if m[9] != "" {
		zone = fmt.Sprintf("%s%02d:%02d", m[9], n(10), n(11))
	}
	frac := strings.TrimSuffix(m[7], ".")
	t, err := time.Parse(time.RFC3339Nano, fmt.Sprintf("%s-%02d-%02dT%02d:%s:%s%s%s", m[1], n(2), n(3), n(4), m[5], m[6], frac, zone))
	return t, err == nil
}

func (d *decoder) time(name string, n *node) time.Time {
	if n.kind == nullNode {
		return time.Time{}
	}
	if n.kind == scalarNode {
		for _, layout := range timeLayouts {
			t, err := time.Parse(layout, d.t.val(n))
			if err != nil {
				continue
			}
			if _, off := t.Zone(); off == 0 || d.utc {
				t = t.UTC()
			}
			return t
		}
		if t, ok := yamlTimestamp(d.t.val(n)); ok {
			if _, off := t.Zone(); off == 0 || d.utc {
				t = t.UTC()
			}
			return t
		}
	}
	d.typeErr(name, n, "a date and time such as 2021-06-27T09:14:00Z")
	return time.Time{}
}

func (d *decoder) strs(name string, n *node) []string {
	switch n.kind {
	case nullNode:
		return nil
	case seqNode:
		if !d.fits(name, n) {
			return nil
		}
		kids := d.t.kids(n)
		out := make([]string, len(kids))
		limit := model.TextLimit(name)
		d.enter(name)
		for i := range kids {
			d.at(i)
			out[i] = d.text("", &kids[i].val, limit)
			d.leave()
		}
		d.leave()
		return out
	}
	d.typeErr(name, n, "a list")
	return nil
}

// fields calls f for each entry of a map node; a null node is an empty map.
func (d *decoder) fields(name string, n *node, f func(key string, v *node)) bool {
	switch n.kind {
	case nullNode:
		return true
	case mapNode:
		kids := d.t.kids(n)
		for i := range kids {
			f(d.t.key(&kids[i]), &kids[i].val)
		}
		return true
	}
	d.typeErr(name, n, "a map")
	return false
}

// items calls f for each item of a list node; a null node is empty.
func (d *decoder) items(name string, n *node, f func(i int, v *node)) {
	switch n.kind {
	case nullNode:
	case seqNode:
		kids := d.t.kids(n)
		for i := range kids {
			f(i, &kids[i].val)
		}
	default:
		d.typeErr(name, n, "a list")
	}
}

// decodeList decodes the list n, called name, one item at a time; item
// reports false for an item it leaves out (an error it has noted, or
// nothing to keep).
func decodeList[T any](d *decoder, name string, n *node, item func(it *node) (T, bool)) []T {
	if !d.fits(name, n) {
		return nil
	}
	var out []T
	if n.kind == seqNode {
		out = make([]T, 0, int(n.n))
	}
	d.enter(name)
	defer d.leave()
	d.items("", n, func(i int, it *node) {
		d.at(i)
		defer d.leave()
		if v, ok := item(it); ok {
			out = append(out, v)
		}
	})
	return out
}

func (d *decoder) images(name string, n *node) []model.Image {
	return decodeList(d, name, n, func(it *node) (model.Image, bool) {
		var img model.Image
		if it.kind != mapNode {
			d.typeErr("", it, "a map")
			return img, false
		}
		d.fields("", it, func(k string, v *node) {
			switch k {
			case "url":
				img.URL = d.str("url", v)
			case "width":
				img.Width = d.int("width", v)
			case "height":
				img.Height = d.int("height", v)
			case "isCached":
				img.IsCached = d.boolPtr("isCached", v)
			case "title":
				img.Title = d.str("title", v)
			}
		})
		return img, true
	})
}

func (d *decoder) provider(name string, n *node) model.Provider {
	var p model.Provider
	d.enter(name)
	defer d.leave()
	d.fields("", n, func(k string, v *node) {
		switch k {
		case "name":
			p.Name = d.str("name", v)
		case "domain":
			p.Domain = d.str("domain", v)
		case "images":
			p.Images = d.images("images", v)
		case "publishers":
			p.SetPublishers(d.parties("publishers", v))
		case "authors":
			p.SetAuthors(d.parties("authors", v))
		}
	})
	return p
}

// parties decodes a provider's publishers or authors: a list of maps with
// name, domain and images, as Smartable writes them; an item given as a
// bare name is a party of that name.
func (d *decoder) parties(name string, n *node) []model.Party {
	return decodeList(d, name, n, func(it *node) (model.Party, bool) {
		var pt model.Party
		switch it.kind {
		case mapNode:
			d.fields("", it, func(k string, v *node) {
				switch k {
				case "name":
					pt.Name = d.str("name", v)
				case "domain":
					pt.Domain = d.str("domain", v)
				case "images":
					pt.Images = d.images("images", v)
				}
			})
		case nullNode:
			return pt, false
		default:
			pt.Name = d.str("", it)
		}
		return pt, true
	})
}

// required reports a required field of the map root that is missing, at
// the map's line, or empty, at the field's own.
func (d *decoder) required(root *node, have bool, key string) {
	if have {
		return
	}
	kids := d.t.kids(root)
	for i := range kids {
		if d.t.key(&kids[i]) == key {
			d.failf(int(kids[i].line), "required field %q is empty", key)
			return
		}
	}
	d.failf(int(root.line), "required field %q is missing", key)
}

func (d *decoder) article(root *node, archived bool) *model.Article {
	a := &model.Article{Archived: archived}
	hasDate := false
	rootKids := d.t.kids(root)
	for i := range rootKids {
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "category":
			a.Category = d.str(key, v)
		case "title":
			a.Title = d.str(key, v)
		case "excerpt":
			a.Excerpt = d.str(key, v)
		case "publishedDateTime":
			a.PublishedDateTime = d.time(key, v)
			hasDate = v.kind != nullNode
		case "originalUrl":
			a.OriginalURL = d.str(key, v)
		case "webUrl":
			a.WebURL = d.str(key, v)
		case "ampWebUrl":
			a.AmpWebURL = d.str(key, v)
		case "cdnAmpWebUrl":
			a.CdnAmpWebURL = d.str(key, v)
		case "type":
			a.Type = d.str(key, v)
		case "quality":
			a.Quality, a.Has.Quality = d.int(key, v), true
		case "heat":
			a.Heat, a.Has.Heat = d.int(key, v), true
		case "published":
			a.Published, a.Has.Published = d.bool(key, v), true
		case "featuredContent":
			a.FeaturedContent = d.str(key, v)
		case "provider":
			a.Provider = d.provider(key, v)
		case "topics":
			a.Topics, a.Has.Topics = d.strs(key, v), true
		case "images":
			a.Images = d.images(key, v)
		case "related":
			a.Related = d.related(key, v)
		case "secured":
			a.Secured = d.str(key, v)
		}
	}
	d.required(root, a.Title != "", "title")
	d.required(root, hasDate, "publishedDateTime")
	d.required(root, a.OriginalURL != "" || a.WebURL != "", "originalUrl")
	return a
}

func (d *decoder) related(name string, n *node) []model.Related {
	return decodeList(d, name, n, func(it *node) (model.Related, bool) {
		var r model.Related
		if it.kind != mapNode {
			d.typeErr("", it, "a map")
			return r, false
		}
		itKids := d.t.kids(it)
		for i := range itKids {
			p := &itKids[i]
			key := d.t.key(p)
			v := &p.val
			switch key {
			case "title":
				r.Title = d.str("title", v)
			case "excerpt":
				r.Excerpt = d.str("excerpt", v)
			case "publishedDateTime":
				r.PublishedDateTime = d.time("publishedDateTime", v)
			case "webUrl":
				r.WebURL = d.str("webUrl", v)
			case "ampWebUrl":
				r.AmpWebURL = d.str("ampWebUrl", v)
			case "cdnAmpWebUrl":
				r.CdnAmpWebURL = d.str("cdnAmpWebUrl", v)
			case "type":
				r.Type = d.str("type", v)
			case "provider":
				r.Provider = d.provider("provider", v)
			case "quality":
				r.Quality = d.int("quality", v)
			case "images":
				r.Images = d.images("images", v)
			}
		}
		return r, true
	})
}

func (d *decoder) person(root *node) *model.Person {
	pr := &model.Person{}
	rootKids := d.t.kids(root)
	for i := range rootKids {
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "name":
			pr.Name = d.str(key, v)
		case "bio":
			pr.Bio = d.str(key, v)
		case "location":
			pr.Location = d.str(key, v)
		case "type":
			pr.Type = d.str(key, v)
		case "heat":
			pr.Heat = d.int(key, v)
		case "affiliation":
			pv := d.provider(key, v)
			pr.Affiliation = &pv
		case "website":
			pr.Website = d.str(key, v)
		case "linkedin":
			pr.LinkedIn = d.channel(key, v)
		case "twitter":
			tw := &model.Twitter{}
			d.enter(key)
			d.fields("", v, func(k string, v *node) {
				switch k {
				case "username":
					tw.Username = d.str("username", v)
				case "url":
					tw.URL = d.str("url", v)
				case "followers":
					tw.Followers = d.int("followers", v)
				}
			})
			d.leave()
			pr.Twitter = tw
		case "youtube":
			pr.YouTube = d.channel(key, v)
		case "facebook":
			pr.Facebook = d.channel(key, v)
		case "items":
			pr.Items = d.strs(key, v)
		case "topics":
			pr.Topics = d.strs(key, v)
		case "images":
			pr.Images = d.images(key, v)
		case "secured":
			pr.Secured = d.str(key, v)
		}
	}
	d.required(root, pr.Name != "", "name")
	return pr
}

func (d *decoder) channel(name string, n *node) *model.Channel {
	c := &model.Channel{}
	d.enter(name)
	defer d.leave()
	d.fields("", n, func(k string, v *node) {
		switch k {
		case "url":
			c.URL = d.str("url", v)
		case "subscribers":
			c.Subscribers = d.int("subscribers", v)
		}
	})
	return c
}

func (d *decoder) event(root *node) *model.Event {
	e := &model.Event{}
	hasStart := false
	rootKids := d.t.kids(root)
	for i := range rootKids {
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "name":
			e.Name = d.str(key, v)
		case "excerpt":
			e.Excerpt = d.str(key, v)
		case "originalUrl":
			e.OriginalURL = d.str(key, v)
		case "type":
			e.Type = d.str(key, v)
		case "startDateTime":
			e.StartDateTime = d.time(key, v)
			hasStart = v.kind != nullNode
		case "endDateTime":
			e.EndDateTime = d.time(key, v)
		case "location":
			e.Location = d.str(key, v)
		case "featuredContent":
			e.FeaturedContent = d.str(key, v)
		case "provider":
			pv := d.provider(key, v)
			e.Provider = &pv
		case "topics":
			e.Topics = d.strs(key, v)
		case "images":
			e.Images = d.images(key, v)
		}
	}
	d.required(root, e.Name != "", "name")
	d.required(root, hasStart, "startDateTime")
	return e
}

func (d *decoder) learning(root *node) *model.Learning {
	l := &model.Learning{}
	rootKids := d.t.kids(root)
	for i := range rootKids {
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "title":
			l.Title = d.str(key, v)
		case "excerpt":
			l.Excerpt = d.str(key, v)
		case "originalUrl":
			l.OriginalURL = d.str(key, v)
		case "webUrl":
			l.WebURL = d.str(key, v)
		case "type":
			l.Type = d.str(key, v)
		case "price":
			l.Price = d.str(key, v)
		case "length":
			l.Length = d.str(key, v)
		case "publishedDateTime":
			l.PublishedDateTime = d.time(key, v)
		case "ratings":
			l.Ratings = d.ratings(key, v)
		case "levels":
			l.Levels = d.strs(key, v)
		case "heat":
			l.Heat = d.int(key, v)
		case "featuredContent":
			l.FeaturedContent = d.str(key, v)
		case "provider":
			pv := d.provider(key, v)
			l.Provider = &pv
		case "items":
			l.Items = d.strs(key, v)
		case "topics":
			l.Topics = d.strs(key, v)
		case "images":
			l.Images = d.images(key, v)
		case "secured":
			l.Secured = d.str(key, v)
		}
	}
	return l
}

// ratings decodes a book's or course's ratings: {count, average}; an
// empty field is none.
func (d *decoder) ratings(name string, n *node) *model.Ratings {
	if n.kind == nullNode {
		return nil
	}
	var r model.Ratings
	d.enter(name)
	defer d.leave()
	d.fields("", n, func(k string, v *node) {
		switch k {
		case "count":
			r.Count = d.int("count", v)
		case "average":
			r.Average = d.float("average", v)
		}
	})
	return &r
}

// float decodes a number such as 4.6 (or 4).
func (d *decoder) float(name string, n *node) float64 {
	if n.kind == scalarNode && !n.quoted {
		if v, err := strconv.ParseFloat(d.t.val(n), 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			return v
		}
	}
	d.typeErr(name, n, "a number")
	return 0
}

func (d *decoder) newsletter(root *node, body string) *model.Newsletter {
	nl := &model.Newsletter{Body: body}
	rootKids := d.t.kids(root)
	for i := range rootKids {
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "title":
			nl.Title = d.str(key, v)
		case "excerpt":
			nl.Excerpt = d.str(key, v)
		case "publishedDateTime":
			nl.PublishedDateTime = d.time(key, v)
		case "webUrl":
			nl.WebURL = d.str(key, v)
		case "type":
			nl.Type = d.str(key, v)
		case "topics":
			nl.Topics = d.strs(key, v)
		}
	}
	return nl
}

func (d *decoder) topic(root *node, order int) *model.Topic {
	t := &model.Topic{Order: order}
	rootKids := d.t.kids(root)
	d.checkKeys(rootKids, keyCheck{known: topicKeys}, false)
	for i := range rootKids {
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "taxonomy":
			t.Taxonomy = d.str(key, v)
		case "_id":
			t.ID = d.str(key, v)
		case "name":
			t.Name = d.str(key, v)
		case "shortname":
			t.Shortname = d.str(key, v)
		case "parent":
			t.Parent = d.str(key, v)
		case "keywords":
			t.Keywords = d.strs(key, v)
		case "hashtags":
			t.Hashtags = d.strs(key, v)
		case "images":
			t.Images = d.strs(key, v)
		case "services":
			if v.kind == mapNode && int(v.n) > model.ListLimit(key) {
				d.failf(int(v.line), "%s longer than %d entries (has %d)", key, model.ListLimit(key), v.n)
				break
			}
			d.enter(key)
			d.fields("", v, func(k string, v *node) {
				if model.OverLimit(k, model.MaxLabel) {
					d.failf(int(v.line), "%s: name longer than %d characters", d.name(""), model.MaxLabel)
				}
				t.Services = append(t.Services, model.Service{Name: k, Endpoint: d.text(k, v, model.MaxURL)})
			})
			d.leave()
		case "highlight":
			h := &model.Highlight{}
			d.enter(key)
			if v.kind == mapNode {
				d.checkKeys(d.t.kids(v), keyCheck{known: highlightKeys}, false)
			}
			d.fields("", v, func(k string, v *node) {
				switch k {
				case "textColor":
					h.TextColor = d.colour(k, v)
				case "backgroundColor":
					h.BackgroundColor = d.colour(k, v)
				}
			})
			d.leave()
			t.Highlight = h
		}
	}
	d.required(root, t.ID != "", "_id")
	d.required(root, t.Name != "", "name")
	return t
}

// colour decodes a topic's highlight colour. One that is no hex colour
// is kept, as Smartable may read it, with a warning: the pages leave it
// out (model.IsColor), and the operator would not know why.
func (d *decoder) colour(name string, v *node) string {
	c := d.str(name, v)
	if c != "" && !model.IsColor(c) && d.err == nil {
		d.warns = append(d.warns, &ParseError{Path: d.path, Line: int(v.line),
			Msg: fmt.Sprintf("%s: %q is not a colour: want #rgb, #rrggbb (or with alpha, #rgba, #rrggbbaa); the pages show the topic without it", d.name(name), clip(c))})
	}
	return c
}

// unnumberedTopic is the order of a topic file whose name has no NN-
// prefix (graph.yaml, beside 00-algorithm.yaml): after every numbered one,
// as Jekyll and Smartable's topics list take the files by name, digits
// before letters. Such topics keep their path order among themselves.
const unnumberedTopic = 1_000_000_000

// topicOrder reads the NN- prefix of a topic file name (at most 9 digits).
func topicOrder(p string) int {
	name := p[strings.LastIndexByte(p, '/')+1:]
	n, i := 0, 0
	for ; i < len(name) && i < 9 && name[i] >= '0' && name[i] <= '9'; i++ {
		n = n*10 + int(name[i]-'0')
	}
	if i == 0 {
		return unnumberedTopic
	}
	return n
}

func (d *decoder) organization(root *node) *model.Organization {
	o := &model.Organization{}
	rootKids := d.t.kids(root)
	d.checkKeys(rootKids, keyCheck{known: organizationKeys}, false)
	for i := range rootKids {
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "taxonomy":
			o.Taxonomy = d.str(key, v)
		case "_id":
			o.ID = d.str(key, v)
		case "name":
			o.Name = d.str(key, v)
		case "domain":
			o.Domain = d.str(key, v)
		case "images":
			o.Images = d.images(key, v)
		case "voice":
			o.Voice = d.str(key, v)
		case "quality":
			o.Quality = d.int(key, v)
		}
	}
	d.required(root, o.Domain != "", "domain")
	return o
}

func (d *decoder) config(root *node) *model.Config {
	c := &model.Config{}
	rootKids := d.t.kids(root)
	// A warning, not an error: the file is Jekyll's too, and a key of its
	// own may look like one of newshub's.
	d.checkKeys(rootKids, keyCheck{known: configKeys, moved: movedTo("smtp", smtpKeys), skip: jekyllKeys}, false)
	again := d.givenAgain(rootKids)
	d.warnAgain(rootKids, again)
	for i := range rootKids {
		if again[i] {
			continue
		}
		p := &rootKids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "title":
			c.Title = d.str(key, v)
		case "url":
			c.URL = d.str(key, v)
		case "baseurl":
			c.BaseURL = d.str(key, v)
		case "webUrl":
			c.WebURL = d.str(key, v)
		case "locale":
			c.Locale = d.str(key, v)
		case "topic":
			c.Topic = d.str(key, v)
		case "timezone":
			// Checked here, with its line: times would only be given in
			// UTC, and newsletters sent by UTC's clock.
			if c.Timezone = d.str(key, v); c.Timezone != "" {
				if _, err := time.LoadLocation(c.Timezone); err != nil {
					d.failf(int(p.line), "%s: %q is not a time zone: want a name such as Europe/Paris (the case counts)", key, c.Timezone)
				}
			}
		case "news_page_size":
			c.NewsPageSize = d.count(p, model.DefaultNewsPageSize)
		case "related_limit":
			c.RelatedLimit = d.count(p, model.DefaultRelatedLimit)
		case "allow_private_networks":
			c.AllowPrivateNetworks = d.bool(key, v)
		case "story_window":
			// Checked here, with its line: curation would only fall back
			// to its default window.
			if c.StoryWindow = d.str(key, v); c.StoryWindow != "" {
				if w, err := model.ParseSpan(c.StoryWindow); err != nil {
					d.failf(int(p.line), "%s: %v", key, err)
				} else if w <= 0 {
					d.failf(int(p.line), "%s: %q: want more than nothing", key, c.StoryWindow)
				}
			}
		case "newsletter_time":
			c.NewsletterTime = d.str(key, v)
			if _, err := model.ParseClock(c.NewsletterTime); err != nil && v.kind != nullNode {
				d.failf(int(p.line), "%s: %v", key, err)
			}
		case "smtp":
			c.SMTP = d.smtp(p)
		case "archive_after":
			c.ArchiveAfter = d.age(p)
		case "purge_after":
			c.PurgeAfter = d.age(p)
		}
	}
	return c
}

// givenAgain reports, for each pair of a _config.yml's map, whether a
// later pair gives its key again (see parseFull): Jekyll reads the last,
// so the one before it is neither read nor checked, and a setting mended
// by giving it again at the file's end does not have the file refused.
func (d *decoder) givenAgain(kids []pair) []bool {
	again := make([]bool, len(kids))
	last := make(map[string]int, len(kids))
	for i := range kids {
		k := d.t.key(&kids[i])
		if j, ok := last[k]; ok {
			again[j] = true
		}
		last[k] = i
	}
	return again
}

// warnAgain names each setting of newshub's a _config.yml gives again:
// the last is read, as Jekyll reads it, and an edit of the first would go
// without effect. Jekyll's own keys given twice (a second plugins:) are
// Jekyll's to read.
func (d *decoder) warnAgain(kids []pair, again []bool) {
	for i := range kids {
		k := d.t.key(&kids[i])
		if !again[i] || !slices.Contains(configKeys, k) {
			continue
		}
		last := i
		for j := i + 1; j < len(kids); j++ {
			if d.t.key(&kids[j]) == k {
				last = j
			}
		}
		d.warns = append(d.warns, &ParseError{Path: d.path, Line: int(kids[i].line),
			Msg: fmt.Sprintf("%q is given again on line %d, the one read", k, kids[last].line)})
	}
}

// count decodes a setting that counts things (a page's news, a story's
// related coverage), checked with its line: the default, def, would
// otherwise be taken without a word for 0 or less.
func (d *decoder) count(p *pair, def int) int {
	key, v := d.t.key(p), &p.val
	n := d.int(key, v)
	if n <= 0 && v.kind != nullNode && d.err == nil {
		d.failf(int(p.line), "%s: %d: want 1 or more (leave it out for the default, %d)", key, n, def)
	}
	return n
}

// age decodes a retention setting (model.ParseAge), checked with its line.
func (d *decoder) age(p *pair) string {
	key, v := d.t.key(p), &p.val
	s := d.str(key, v)
	if v.kind == nullNode {
		return ""
	}
	if _, err := model.ParseAge(s); err != nil && d.err == nil {
		d.failf(int(p.line), "%s: %v", key, err)
	}
	return s
}

// smtp decodes and checks the mail settings, so that a mistake is reported
// with its line when the site is read rather than when an issue is sent.
func (d *decoder) smtp(p *pair) *model.SMTP {
	s := &model.SMTP{}
	d.enter("smtp")
	defer d.leave()
	if p.val.kind != mapNode {
		d.typeErr("", &p.val, "a map of settings (host, port, from, to, ...)")
		return s
	}
	lines := map[string]int{}
	kids := d.t.kids(&p.val)
	again := d.givenAgain(kids)
	for i := range kids {
		if again[i] {
			continue
		}
		k, v := d.t.key(&kids[i]), &kids[i].val
		lines[k] = int(kids[i].line)
		switch k {
		case "host":
			s.Host = d.str(k, v)
		case "port":
			if s.Port = d.int(k, v); d.err == nil && (s.Port < 1 || s.Port > 65535) {
				d.failf(lines[k], "%s: %d is not a port number (1 to 65535)", d.name(k), s.Port)
			}
		case "username":
			s.Username = d.str(k, v)
		case "password":
			s.Password = d.str(k, v)
		case "password_file":
			s.PasswordFile = d.str(k, v)
		case "from":
			s.From = d.str(k, v)
			d.address(k, lines[k], s.From)
		case "to":
			s.To = d.strs(k, v)
			for i, a := range s.To {
				line := lines[k]
				if i < len(d.t.kids(v)) {
					line = int(d.t.kids(v)[i].line)
				}
				d.address(fmt.Sprintf("%s[%d]", k, i), line, a)
			}
		case "starttls":
			s.StartTLS = d.boolPtr(k, v)
		default:
			d.failf(lines[k], "%s: unknown setting (%s)", d.name(k), smtpHint(k))
		}
	}
	at := int(p.line)
	switch {
	case s.Host == "":
		d.failf(at, "smtp.host is missing or empty")
	case s.From == "":
		d.failf(at, "smtp.from is missing or empty")
	case len(s.To) == 0:
		d.failf(at, "smtp.to is missing or empty: list the addresses issues go to")
	case s.Password != "" && s.PasswordFile != "":
		d.failf(lines["password_file"], "smtp: give password or password_file, not both")
	case s.Username != "" && s.Password == "" && s.PasswordFile == "":
		d.failf(lines["username"], "smtp.username needs a password or password_file")
	case s.Username == "" && (s.Password != "" || s.PasswordFile != ""):
		d.failf(at, "smtp: a password is given without a username")
	}
	return s
}

// smtpHint says what a key the smtp settings do not read may be meant as.
func smtpHint(k string) string {
	if slices.Contains(configKeys, k) {
		return "a setting of its own, not smtp's? check its indentation"
	}
	if s := Suggest(k, smtpKeys); s != "" {
		return "did you mean " + strconv.Quote(s) + "?"
	}
	return "want host, port, username, password, password_file, from, to or starttls"
}

// address checks one e-mail address of the smtp settings.
func (d *decoder) address(name string, line int, a string) {
	if a == "" {
		d.failf(line, "%s is empty", d.name(name))
		return
	}
	if _, err := mail.ParseAddress(a); err != nil {
		d.failf(line, "%s: %q is not an e-mail address: %v", d.name(name), clip(a), err)
	}
}

func (d *decoder) sources(root *node) *model.Sources {
	s := &model.Sources{}
	// Errors, as the file is newshub's own: a misspelt sources: would
	// read as no sources at all. A key like none (a note) is the
	// operator's own, and kept.
	d.checkKeys(d.t.kids(root), keyCheck{known: []string{"sources"}, moved: movedTo("sources[]", sourceFields)}, true)
	// A feed listed twice is fetched by the settings of one of its
	// entries, and the other's go without effect.
	lines := map[string]int{}
	d.mapList(root, "sources", func(n int) { s.Sources = make([]model.Source, 0, n) }, func(it *node) {
		src := d.source(it)
		if first, ok := lines[src.URL]; ok && src.URL != "" {
			d.failf(int(it.line), "%s: %s is listed already, on line %d: give each feed once", d.name(""), src.URL, first)
		} else {
			lines[src.URL] = int(it.line)
		}
		s.Sources = append(s.Sources, src)
	})
	return s
}

func (d *decoder) source(it *node) model.Source {
	var src model.Source
	kids := d.t.kids(it)
	d.checkKeys(kids, keyCheck{known: sourceFields}, true)
	for i := range kids {
		p := &kids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "url":
			src.URL = d.str(key, v)
		case "provider":
			src.Provider = d.str(key, v)
		case "topics":
			src.Topics = d.strs(key, v)
		case "interval":
			// Checked here, with its line: a fetch would only fall back
			// to the adaptive schedule, and the operator never learn why.
			if src.Interval = d.str(key, v); src.Interval != "" {
				if _, err := model.ParseInterval(src.Interval); err != nil {
					d.failf(int(v.line), "%s: %v", d.name(key), err)
				}
			}
		case "enabled":
			src.Enabled = d.boolPtr(key, v)
		case "dedicated":
			src.Dedicated = d.bool(key, v)
		}
	}
	if src.URL == "" {
		d.failf(int(it.line), "%s: url is missing or empty", d.name(""))
	}
	return src
}

// decisions decodes the editorial decisions list. Fields newshub does not
// know are left alone, but for one that looks like a slip of a field it
// reads; whether each decision holds what its action needs
// is for the editorial package to judge, with the line kept here.
func (d *decoder) decisions(root *node) *model.Decisions {
	out := &model.Decisions{}
	d.checkKeys(d.t.kids(root), keyCheck{known: []string{"decisions"}, moved: movedTo("decisions[]", decisionKeys)}, true)
	d.mapList(root, "decisions", func(n int) { out.Decisions = make([]model.Decision, 0, n) }, func(it *node) {
		out.Decisions = append(out.Decisions, d.decision(it))
	})
	return out
}

// mapList decodes the top-level list under key whose items are maps, the
// shape of the _data files: size gets the list's length first, then item
// gets each map with the scope naming it; other items are type errors. Keys are unique (the parser rejects repeats), so the first
// match is the only one.
func (d *decoder) mapList(root *node, key string, size func(n int), item func(it *node)) {
	kids := d.t.kids(root)
	for i := range kids {
		p := &kids[i]
		if d.t.key(p) != key {
			continue
		}
		if !d.fits(key, &p.val) {
			return
		}
		if p.val.kind == seqNode {
			size(int(p.val.n))
		}
		d.enter(key)
		d.items("", &p.val, func(i int, it *node) {
			d.at(i)
			defer d.leave()
			if it.kind != mapNode {
				d.typeErr("", it, "a map")
				return
			}
			item(it)
		})
		d.leave()
		return
	}
}

func (d *decoder) decision(it *node) model.Decision {
	dec := model.Decision{Line: int(it.line)}
	kids := d.t.kids(it)
	// A misspelt until: would make a decision last for ever.
	d.checkKeys(kids, keyCheck{known: decisionKeys}, true)
	for i := range kids {
		p := &kids[i]
		key := d.t.key(p)
		v := &p.val
		switch key {
		case "action":
			dec.Action = d.str(key, v)
		case "article":
			dec.Article = d.text(key, v, model.MaxURL)
		case "publisher":
			dec.Publisher = d.str(key, v)
		case "source":
			dec.Source = d.text(key, v, model.MaxURL)
		case "story":
			dec.Story = d.str(key, v)
		case "story_article":
			dec.StoryArticle = d.text(key, v, model.MaxURL)
		case "into":
			dec.Into = d.str(key, v)
		case "into_article":
			dec.IntoArticle = d.text(key, v, model.MaxURL)
		case "out":
			dec.Out = d.bool(key, v)
		case "topic":
			dec.Topic = d.str(key, v)
		case "until":
			dec.Until = d.time(key, v)
		case "off_topic":
			dec.OffTopic = d.bool(key, v)
		case "by":
			dec.By = d.str(key, v)
		case "at":
			dec.At = d.time(key, v)
		case "note":
			dec.Note = d.text(key, v, model.MaxExcerpt)
		}
	}
	return dec
}
