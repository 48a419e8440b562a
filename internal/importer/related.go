package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"newshub/internal/model"
	"newshub/internal/store"
)

// RelatedPath is the file, in newshub's own folder of a site, that keeps
// beside the records the related coverage curation holds aside of each
// article (model.Article's HeldRelated, MemberRelated, CuratedRelated).
// A record's file cannot say it and stay a Smartable record; without it
// an editor's decision taken back after the hub moved (export, then
// import) would list again not what it listed before the decision.
// Import leaves the folder out of the records and reads this file alone.
const RelatedPath = ".newshub/related.json"

// heldLists is what RelatedPath keeps of one article, with the digest of
// the file bytes it goes with: a record edited by hand since the export
// is imported as its file says, as any record is.
type heldLists struct {
	Sum            string              `json:"sha256"`
	HeldRelated    []model.HeldRelated `json:"heldRelated,omitempty"`
	MemberRelated  *[]model.Related    `json:"memberRelated,omitempty"`
	CuratedRelated bool                `json:"curatedRelated,omitempty"`
}

// RelatedFile returns the content of RelatedPath for the news of st, by
// record path, or nil when no article holds related coverage aside.
func RelatedFile(ctx context.Context, st store.Store) ([]byte, error) {
	lists := map[string]heldLists{}
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		if a == nil || len(a.HeldRelated) == 0 && a.MemberRelated == nil && !a.CuratedRelated {
			return nil
		}
		sum := sha256.Sum256(r.Raw)
		lists[r.Path] = heldLists{hex.EncodeToString(sum[:]), a.HeldRelated, a.MemberRelated, a.CuratedRelated}
		return nil
	})
	if err != nil || len(lists) == 0 {
		return nil, err
	}
	// One article a line, in path order, so two exports of one hub write
	// the same bytes and a diff reads.
	out := []byte("{\n")
	first := true
	for _, p := range slices.Sorted(maps.Keys(lists)) {
		k, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(lists[p])
		if err != nil {
			return nil, err
		}
		if !first {
			out = append(out, ",\n"...)
		}
		first = false
		out = append(append(append(out, k...), ": "...), v...)
	}
	return append(out, "\n}\n"...), nil
}

// readRelated reads RelatedPath of the imported folder, when it holds
// one. A file that does not read is rejected; the records are imported
// as their files say.
func (imp *importer) readRelated() {
	abs := filepath.Join(imp.src, filepath.FromSlash(RelatedPath))
	data, err := os.ReadFile(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	ref := fileRef{rel: RelatedPath, abs: abs}
	if err != nil {
		imp.reject(ref, 0, readError(err))
		return
	}
	var lists map[string]heldLists
	if err := json.Unmarshal(data, &lists); err != nil {
		imp.reject(ref, 1, fmt.Errorf("related coverage held aside: %v; the records are imported without it", err))
		return
	}
	imp.related = lists
}

// holdRelated gives an article the related coverage RelatedPath keeps
// aside for it, when its file is the one exported with it.
func (imp *importer) holdRelated(rec *model.Record) {
	l, ok := imp.related[rec.Path]
	if !ok || rec.Kind != model.KindNews || rec.Article == nil {
		return
	}
	sum := sha256.Sum256(rec.Raw)
	if l.Sum != hex.EncodeToString(sum[:]) {
		return
	}
	a := rec.Article
	a.HeldRelated, a.MemberRelated, a.CuratedRelated = l.HeldRelated, l.MemberRelated, l.CuratedRelated
}
