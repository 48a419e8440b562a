package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"newshub/internal/store"
)

// PurgedPath is the file, in newshub's own folder of a site, that keeps
// the keys of the articles retention purged (store.Tombstone): without
// them a hub moved by export and import would store again, from the feeds
// that still list them, the duplicates it purged. Import keeps them in the
// store it imports into.
const PurgedPath = ".newshub/purged.json"

// purgedKey is what PurgedPath keeps of one tombstone.
type purgedKey struct {
	Key      string    `json:"key"`
	Path     string    `json:"path"`
	PurgedAt time.Time `json:"purgedAt"`
	Dated    time.Time `json:"dated,omitzero"` // none: kept for ever
}

// purgeBatch is how many keys import keeps per transaction.
const purgeBatch = 1000

// PurgedFile returns the content of PurgedPath for st, or nil when it
// keeps no purged key.
func PurgedFile(ctx context.Context, st store.Store) ([]byte, error) {
	var out bytes.Buffer
	// One key a line, in key order, so two exports of one hub write the
	// same bytes and a diff reads.
	err := st.Tombstones(ctx, func(t store.Tombstone) error {
		line, err := json.Marshal(purgedKey{Key: t.Key, Path: t.Path, PurgedAt: t.PurgedAt.UTC(), Dated: t.Dated})
		if err != nil {
			return err
		}
		if out.Len() == 0 {
			out.WriteString("[\n")
		} else {
			out.WriteString(",\n")
		}
		out.Write(line)
		return nil
	})
	if err != nil || out.Len() == 0 {
		return nil, err
	}
	out.WriteString("\n]\n")
	return out.Bytes(), nil
}

// keepPurged keeps in the store the purged keys PurgedPath of the imported
// folder lists, when it holds one. A file that does not read is rejected;
// the records are imported all the same.
func (imp *importer) keepPurged(ctx context.Context) error {
	var keys []purgedKey
	if !imp.readOwn(PurgedPath, "the keys of the purged articles", "they are not kept", &keys) {
		return nil
	}
	// A purge of version 0 deletes nothing: it keeps the keys.
	var batch []store.Purge
	for _, k := range keys {
		if k.Key == "" {
			continue
		}
		batch = append(batch, store.Purge{Path: k.Path, Keys: []string{k.Key}, At: k.PurgedAt, Dated: k.Dated})
		if len(batch) == purgeBatch {
			if err := imp.st.Purge(ctx, batch); err != nil {
				return fmt.Errorf("import: keep the purged keys: %w", err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := imp.st.Purge(ctx, batch); err != nil {
			return fmt.Errorf("import: keep the purged keys: %w", err)
		}
	}
	return nil
}
