package ingest

import (
	"log/slog"
	"strings"

	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/parser"
	"newshub/internal/store"
)

// Reasons a feed item is not stored, as `sources list`, `ingest -v` and
// `explain` show them.
const (
	ReasonKnown     = "already stored"   // the store has it, under its own link
	ReasonDuplicate = "duplicate"        // the same article as another record (the detail says which)
	ReasonNoLink    = "no usable link"   // no http or https link
	ReasonNoTitle   = "no title or text" // nothing to call it by
	ReasonMalformed = "malformed"        // the feed's text of it could not be read
	ReasonRejected  = "rejected"         // curation could not make a record of it
	ReasonPurged    = "purged earlier"   // an unpublished duplicate retention deleted, its keys kept
)

// reasons lists every reason, for the metrics to serve from the start.
var reasons = []string{ReasonKnown, ReasonDuplicate, ReasonNoLink, ReasonNoTitle, ReasonMalformed, ReasonRejected}

// drop counts an item not stored under its reason, keeps it for the
// source's report (but for the items already stored under their own
// link: explain finds those by their link) and logs it.
func (res *result) drop(log *slog.Logger, d store.Drop) {
	rep := &res.report
	if rep.NotStored == nil {
		rep.NotStored = map[string]int{}
	}
	rep.NotStored[d.Reason]++
	if d.Reason != ReasonKnown && len(rep.Drops) < store.MaxDrops {
		rep.Drops = append(rep.Drops, d)
	}
	if d.Reason != ReasonKnown {
		log.Debug("item not stored", "feed", fetcher.Masked(res.src.URL), "url", d.URL, "title", d.Title, "reason", d.Reason, "detail", d.Detail)
	}
}

// itemText returns the plain text of an item's summary, else its content.
func itemText(it parser.Item) string {
	if t := parser.PlainText(strings.TrimSpace(it.Summary)); t != "" {
		return t
	}
	return parser.PlainText(it.Content)
}
