package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// fileTemplates holds, by key, the bytes of files made once per process.
var fileTemplates sync.Map // key -> *fileTemplate

type fileTemplate struct {
	once sync.Once
	data []byte
	err  error
}

// FileCopy writes, at a new path in the test's temporary folder ending in
// name, a copy of the one file make writes once per process for key (an
// empty store's database, migrated), and returns the path. Suites that
// open a new store for every case start from a copy: writing it takes a
// fraction of the time making one does, most under the race detector.
// make is given a path in an empty folder of its own; the file it leaves
// there must be whole by itself (no journal beside it).
func FileCopy(t testing.TB, key, name string, make func(path string) error) string {
	t.Helper()
	v, _ := fileTemplates.LoadOrStore(key, &fileTemplate{})
	tm := v.(*fileTemplate)
	tm.once.Do(func() { tm.data, tm.err = makeTemplate(name, make) })
	if tm.err != nil {
		t.Fatalf("testutil: template %s: %v", key, tm.err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, tm.data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func makeTemplate(name string, make func(path string) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "newshub-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	if err := make(path); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	if len(entries) != 1 {
		return nil, fmt.Errorf("%d files made beside %s, want it alone", len(entries)-1, name)
	}
	return os.ReadFile(path)
}
