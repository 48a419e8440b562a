package storetest

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"testing"
	"time"

	"newshub/internal/store"
)

// testModes records files' permission bits and reads them back, all or
// those of some paths: a later SetModes replaces those of the paths it
// gives and leaves the others, and the generation, which pages are cached
// by, stays.
func testModes(t *testing.T, st store.Store) {
	ctx := context.Background()
	if got, err := st.Modes(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Modes of an empty store = %v, %v", got, err)
	}
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]fs.FileMode{"_config.yml": 0o600, "_includes/deploy.sh": 0o755, "_news/2021-06-27-a.md": 0o644}
	if err := st.SetModes(ctx, first); err != nil {
		t.Fatalf("SetModes: %v", err)
	}
	if err := st.SetModes(ctx, map[string]fs.FileMode{"_config.yml": 0o640, "_data/sources.yaml": 0o664 | fs.ModeSetuid}); err != nil {
		t.Fatalf("SetModes: %v", err)
	}
	got, err := st.Modes(ctx)
	if err != nil {
		t.Fatalf("Modes: %v", err)
	}
	want := map[string]fs.FileMode{"_config.yml": 0o640, "_includes/deploy.sh": 0o755, "_news/2021-06-27-a.md": 0o644, "_data/sources.yaml": 0o664}
	if !maps.Equal(got, want) {
		t.Errorf("Modes = %v, want %v", got, want)
	}
	// Of some paths: those recorded, the others left out.
	got, err = st.Modes(ctx, "_config.yml", "_data/sources.yaml", "_data/topics/00-none.yaml")
	if want := map[string]fs.FileMode{"_config.yml": 0o640, "_data/sources.yaml": 0o664}; err != nil || !maps.Equal(got, want) {
		t.Errorf("Modes of three paths = %v, %v; want %v", got, err, want)
	}
	// A path that is not UTF-8 (a file named in Latin-1 on an older
	// disk): Modes of it says what Modes of all says of it, whether a
	// store keeps it or not.
	latin1 := "_data/topics/caf\xe9.yaml"
	if err := st.SetModes(ctx, map[string]fs.FileMode{latin1: 0o600}); err != nil {
		t.Fatalf("SetModes: %v", err)
	}
	all, err := st.Modes(ctx)
	if err != nil {
		t.Fatalf("Modes: %v", err)
	}
	want = map[string]fs.FileMode{}
	if m, ok := all[latin1]; ok {
		want[latin1] = m
	}
	if got, err = st.Modes(ctx, latin1); err != nil || !maps.Equal(got, want) {
		t.Errorf("Modes of %q = %v, %v; want %v, as Modes of all says", latin1, got, err, want)
	}
	// Of more paths than a store may look up at once (an export's files):
	// each recorded one, whichever look-up it falls in.
	many := map[string]fs.FileMode{}
	var ask []string
	for i := range 2500 {
		p := fmt.Sprintf("_includes/many-%d.sh", i)
		many[p] = 0o700
		ask = append(ask, p, fmt.Sprintf("_includes/none-%d.sh", i))
	}
	if err := st.SetModes(ctx, many); err != nil {
		t.Fatalf("SetModes: %v", err)
	}
	if got, err = st.Modes(ctx, ask...); err != nil || !maps.Equal(got, many) {
		t.Errorf("Modes of %d paths: %d found (%v), want the %d recorded", len(ask), len(got), err, len(many))
	}
	if now, err := st.Generation(ctx); err != nil || now != gen {
		t.Errorf("generation %d after SetModes, was %d (%v)", now, gen, err)
	}
}

// testModesFollowFiles checks that a file's mode goes where its record
// goes: moved with it (over a mode noted at the new path, which no file
// had), and gone with it when it is deleted or purged, so that a file
// written at that path later is not given the mode of one that was there.
func testModesFollowFiles(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	moved, deleted, purged, kept := news[0], news[1], get(t, st, news[2].Path), news[3]
	stale := archivePath(moved.Path)
	err := st.SetModes(ctx, map[string]fs.FileMode{
		moved.Path: 0o600, deleted.Path: 0o640, purged.Path: 0o660, kept.Path: 0o604, stale: 0o755,
	})
	if err != nil {
		t.Fatalf("SetModes: %v", err)
	}
	if err := st.Move(ctx, []store.Move{{From: moved.Path, To: stale, Version: moved.Version}}); err != nil {
		t.Fatalf("Move: %v", err)
	}
	if err := st.Delete(ctx, deleted.Path); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	purge := store.Purge{Path: purged.Path, Version: purged.Version, Keys: []string{purged.Article.CanonicalURL}, At: time.Now()}
	if err := st.Purge(ctx, []store.Purge{purge}); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	got, err := st.Modes(ctx)
	if err != nil {
		t.Fatalf("Modes: %v", err)
	}
	want := map[string]fs.FileMode{stale: 0o600, kept.Path: 0o604}
	if !maps.Equal(got, want) {
		t.Errorf("Modes = %v, want %v", got, want)
	}
}
