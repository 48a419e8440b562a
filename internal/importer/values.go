package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// ValuesPath is the file, in newshub's own folder of a site, that keeps
// beside the records the values of newshub's own that their files cannot
// carry and stay Smartable records: an article's story, without which
// import would group the articles again by their related coverage, not as
// curation clustered them, under ids other than those of the stories'
// addresses readers keep; the id of the feed item an article was ingested
// from (model.Article's GUID), without which ingest would store again as
// a new article an item its feed lists under a new address; the feed an
// article came from and the topic gate's decision on it (model.Article's
// Source, Relevance), without which import would decide again whether it
// is on topic, by the keywords of now and a gate taught in another order,
// and publish some articles the hub withheld, withhold some it published,
// and forget which came from a feed an editor blocked or marked
// dedicated; when the hub first saw an article (model.Article's
// FetchedAt), without which import would take the move for it, and an
// article dated ahead, which retention ages from then, would stay current
// for as long again; the related coverage curation holds aside of an
// article (model.Article's HeldRelated, MemberRelated,
// CuratedRelated), without which an editor's decision taken back after
// the hub moved (export, then import) would list other coverage than it
// did before, and what became of a newsletter issue's mailing and how it
// was composed (model.Newsletter's Mailing, Composed, Withdrawn), without
// which its readers would be mailed it again, or never, and an article
// hidden after the move left in it. Import leaves the folder out of the
// records and reads this file alone.
const ValuesPath = ".newshub/values.json"

// ownValues is what ValuesPath keeps of one record, with the digest of
// the file bytes it goes with: a record edited by hand since the export
// is imported as its file says, as any record is.
type ownValues struct {
	Sum            string              `json:"sha256"`
	Story          string              `json:"story,omitempty"`
	GUID           string              `json:"guid,omitempty"`
	Source         string              `json:"source,omitempty"`
	Relevance      *model.Relevance    `json:"relevance,omitempty"`
	FetchedAt      time.Time           `json:"fetchedAt,omitzero"`
	HeldRelated    []model.HeldRelated `json:"heldRelated,omitempty"`
	MemberRelated  *[]model.Related    `json:"memberRelated,omitempty"`
	CuratedRelated bool                `json:"curatedRelated,omitempty"`
	Mailing        *model.Mailing      `json:"mailing,omitempty"`
	Composed       string              `json:"composed,omitempty"`
	Withdrawn      []string            `json:"withdrawn,omitempty"`
}

func (v *ownValues) zero() bool {
	return v.Story == "" && v.GUID == "" && v.Source == "" && v.Relevance == nil && v.FetchedAt.IsZero() && len(v.HeldRelated) == 0 && v.MemberRelated == nil && !v.CuratedRelated &&
		v.Mailing == nil && v.Composed == "" && len(v.Withdrawn) == 0
}

// ValuesFile returns the content of ValuesPath for the records of st, or
// nil when none holds such values. sums are the SHA-256 digests of the
// news records' file bytes, by path, as exported: the story of a record is
// kept with them.
func ValuesFile(ctx context.Context, st store.Store, sums map[string][sha256.Size]byte) ([]byte, error) {
	values := map[string]ownValues{}
	// The stories and feed item ids from the store's index, without
	// decoding a record.
	err := st.ScanNews(ctx, store.NewsQuery{Order: store.ByStorage}, func(e store.NewsEntry) error {
		if sum, ok := sums[e.Path]; ok && (e.Story != "" || e.GUID != "") {
			values[e.Path] = ownValues{Sum: hex.EncodeToString(sum[:]), Story: e.Story, GUID: e.GUID}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keep := func(r *model.Record) error {
		var v ownValues
		switch {
		case r.Article != nil:
			a := r.Article
			v.Source, v.Relevance, v.FetchedAt = a.Source, a.Relevance, a.FetchedAt.UTC()
			v.HeldRelated, v.MemberRelated, v.CuratedRelated = a.HeldRelated, a.MemberRelated, a.CuratedRelated
		case r.Newsletter != nil:
			n := r.Newsletter
			v.Mailing, v.Composed, v.Withdrawn = n.Mailing, n.Composed, n.Withdrawn
		}
		if v.zero() {
			return nil
		}
		sum := sha256.Sum256(r.Raw)
		v.Sum = hex.EncodeToString(sum[:])
		if kept, ok := values[r.Path]; ok && kept.Sum == v.Sum {
			v.Story, v.GUID = kept.Story, kept.GUID
		}
		values[r.Path] = v
		return nil
	}
	// Only the news records holding one of these are decoded: every
	// curated article holds its topic decision, so most are, which costs
	// an export of 10,000 articles about a quarter more CPU time.
	err = st.ScanHolding(ctx, []model.Kind{model.KindNews}, []string{"source", "relevance", "fetchedAt", "heldRelated", "memberRelated", "curatedRelated"}, keep)
	if err == nil {
		err = st.Scan(ctx, []model.Kind{model.KindNewsletter}, keep)
	}
	if err != nil || len(values) == 0 {
		return nil, err
	}
	// One record a line, in path order, so two exports of one hub write
	// the same bytes and a diff reads.
	out := []byte("{\n")
	for i, p := range slices.Sorted(maps.Keys(values)) {
		k, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(values[p])
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, ",\n"...)
		}
		out = append(append(append(out, k...), ": "...), v...)
	}
	return append(out, "\n}\n"...), nil
}

// readValues reads ValuesPath of the imported folder, when it holds one.
// A file that does not read is rejected; the records are imported as
// their files say.
func (imp *importer) readValues() {
	var values map[string]ownValues
	if !imp.readOwn(ValuesPath, "newshub's own values of the records", "the records are imported without them", &values) {
		return
	}
	imp.values = values
}

// giveValues gives a record the values ValuesPath keeps for it, when its
// file is the one exported with them.
func (imp *importer) giveValues(rec *model.Record) {
	v, ok := imp.values[rec.Path]
	if !ok {
		return
	}
	sum := sha256.Sum256(rec.Raw)
	if v.Sum != hex.EncodeToString(sum[:]) {
		return
	}
	switch {
	case rec.Kind == model.KindNews && rec.Article != nil:
		a := rec.Article
		a.Story, a.Source, a.Relevance = v.Story, v.Source, v.Relevance
		if v.GUID != "" {
			a.GUID = v.GUID
		}
		if !v.FetchedAt.IsZero() {
			a.FetchedAt = v.FetchedAt
		}
		a.HeldRelated, a.MemberRelated, a.CuratedRelated = v.HeldRelated, v.MemberRelated, v.CuratedRelated
	case rec.Kind == model.KindNewsletter && rec.Newsletter != nil:
		n := rec.Newsletter
		n.Mailing, n.Composed, n.Withdrawn = v.Mailing, v.Composed, v.Withdrawn
	}
}
