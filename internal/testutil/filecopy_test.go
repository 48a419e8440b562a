package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFileCopyMakesTheTemplateOnceAndCopiesIt(t *testing.T) {
	made := 0
	make := func(path string) error {
		made++
		return os.WriteFile(path, []byte("template"), 0o600)
	}
	a := FileCopy(t, "copy-once", "hub.db", make)
	b := FileCopy(t, "copy-once", "hub.db", make)
	if a == b || filepath.Base(a) != "hub.db" {
		t.Fatalf("copies at %s and %s, want two paths ending in hub.db", a, b)
	}
	if err := os.WriteFile(a, []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(b); err != nil || string(got) != "template" {
		t.Errorf("second copy holds %q (%v), want the template's bytes", got, err)
	}
	if made != 1 {
		t.Errorf("template made %d times, want once", made)
	}
}

func TestFileCopyRefusesATemplateWithFilesBesideIt(t *testing.T) {
	_, err := makeTemplate("hub.db", func(path string) error {
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			return err
		}
		return os.WriteFile(path+"-wal", []byte("log"), 0o644)
	})
	if err == nil {
		t.Error("a template with a journal beside it was taken")
	}
}
