package importer

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// openHub opens the SQLite hub at dbPath for the test.
func openHub(t *testing.T, dbPath string) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// exportHub writes the hub st into out as export does: every record's
// bytes at its path, and newshub's own files beside them.
func exportHub(t *testing.T, st store.Store, out string) {
	t.Helper()
	ctx := context.Background()
	sums := map[string][sha256.Size]byte{}
	err := st.ScanRaw(ctx, nil, func(p string, kind model.Kind, raw []byte) error {
		name := filepath.Join(out, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if kind == model.KindNews {
			sums[p] = sha256.Sum256(raw)
		}
		return os.WriteFile(name, raw, store.DefaultMode)
	})
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]func() ([]byte, error){
		ValuesPath:  func() ([]byte, error) { return ValuesFile(ctx, st, sums) },
		PurgedPath:  func() ([]byte, error) { return PurgedFile(ctx, st) },
		SourcesPath: func() ([]byte, error) { return SourcesFile(ctx, st, time.Now()) },
		RoundsPath:  func() ([]byte, error) { return RoundsFile(ctx, st) },
	}
	for rel, file := range own {
		data, err := file()
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if data == nil {
			continue
		}
		name := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data, store.DefaultMode); err != nil {
			t.Fatal(err)
		}
	}
}
