package cli

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite"
)

// TestADecisionTakenBackAfterTheHubMovedLeavesItAsItWas: an editor hides
// a story's lead (or blocks its publisher), the hub moves (exported and
// imported into a new store, or copied into another), and the decision is
// taken back there: every file of a build is as it was before the
// decision, the related lists of the lead and of the member that stood in
// for it among them, as they are when the hub does not move.
func TestADecisionTakenBackAfterTheHubMovedLeavesItAsItWas(t *testing.T) {
	t.Parallel()
	decisions := []struct {
		name       string
		take, back func(s undoStory) []string
	}{
		{"hide, unhide",
			func(s undoStory) []string { return []string{"edit", "hide", s.lead} },
			func(s undoStory) []string { return []string{"edit", "unhide", s.lead} }},
		{"block, unblock the publisher",
			func(s undoStory) []string { return []string{"edit", "block-publisher", s.publisher} },
			func(s undoStory) []string { return []string{"edit", "unblock", s.publisher} }},
	}
	// Each move returns the site and store the hub is in after it.
	moves := []struct {
		name string
		move func(t *testing.T, h *editHub) (site, db string)
	}{
		{"export, import into a new store", func(t *testing.T, h *editHub) (string, string) {
			// The records, and the site's own files beside them (its
			// pictures), which export does not write.
			out := filepath.Join(t.TempDir(), "site")
			h.run("export", out)
			if err := os.CopyFS(filepath.Join(out, "assets"), os.DirFS(filepath.Join(h.site, "assets"))); err != nil {
				t.Fatal(err)
			}
			db := "sqlite:" + filepath.Join(t.TempDir(), "new.db")
			runOK(t, "--site", out, "--db", db, "import")
			return out, db
		}},
		{"copy into SQLite", func(t *testing.T, h *editHub) (string, string) {
			db := "sqlite:" + filepath.Join(t.TempDir(), "copy.db")
			h.run("copy", "--to", db)
			return h.site, db
		}},
		{"copy into PostgreSQL", func(t *testing.T, h *editHub) (string, string) {
			db := pgtest.DSN(t)
			h.run("copy", "--to", db)
			return h.site, db
		}},
	}
	// Stories as an import makes them, which an import of the exported
	// hub makes again; built once before any decision, and each case
	// takes its decision on a copy.
	before := filepath.Join(t.TempDir(), "before")
	hub := hubOnce(t, 300, 11, []string{"import"}, []string{"build", "--now", buildNow, before})
	hub.read()
	s := leadWithMembers(hub)
	if s.lead == "" {
		t.Fatal("the generated hub has no story of several publishers")
	}
	want := treeOf(t, before)
	for _, d := range decisions {
		for _, m := range moves {
			t.Run(d.name+"/"+m.name, func(t *testing.T) {
				h := hub.copyFor(t)
				after := filepath.Join(t.TempDir(), "after")
				h.run(d.take(s)...)
				h.read()
				if leadWithheld(h, s) == false {
					t.Fatal("the decision is not in the store")
				}
				site, db := m.move(t, h)
				runOK(t, append([]string{"--site", site, "--db", db}, d.back(s)...)...)
				runOK(t, "--site", site, "--db", db, "build", "--now", buildNow, after)
				sameTree(t, "after the decision taken back", treeOf(t, after), want)
			})
		}
	}
}

// runOK runs a command line in-process and fails t unless it succeeds.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := run(t, args...)
	if code != 0 {
		t.Fatalf("newshub %v: exit %d\n%s%s", args, code, out, errs)
	}
	return out
}

// TestARecordEditedAfterExportIsImportedAsItsFileSays: the related
// coverage an export keeps aside goes with the file bytes it was exported
// with; a record edited by hand since is imported as its file says, as
// any record is, and the others get theirs.
func TestARecordEditedAfterExportIsImportedAsItsFileSays(t *testing.T) {
	h := &editHub{t: t, site: genSite(t, 300, 11), db: filepath.Join(t.TempDir(), "hub.db")}
	h.run("import")
	h.read()
	s := leadWithMembers(h)
	if s.lead == "" {
		t.Fatal("the generated hub has no story of several publishers")
	}
	h.run("edit", "hide", s.lead)
	held := heldAside(t, "sqlite:"+h.db)
	if len(held) < 2 {
		t.Fatalf("%d articles hold related coverage aside after the hide, want 2 or more", len(held))
	}
	out := filepath.Join(t.TempDir(), "site")
	h.run("export", out)
	edited := slices.Sorted(maps.Keys(held))[0]
	name := filepath.Join(out, filepath.FromSlash(edited))
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, append(data, "\nEdited by hand.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "new.db")
	runOK(t, "--site", out, "--db", db, "import")
	got := heldAside(t, db)
	for p, want := range held {
		switch {
		case p == edited && got[p] != "":
			t.Errorf("%s, edited since the export, holds %s aside", p, got[p])
		case p != edited && got[p] != want:
			t.Errorf("%s holds %s aside, want %s as before the export", p, got[p], want)
		}
	}
}

// heldAside returns, by path, the related coverage each article of the
// store db holds aside, as JSON.
func heldAside(t *testing.T, db string) map[string]string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	held := map[string]string{}
	err = st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		if len(a.HeldRelated) == 0 && a.MemberRelated == nil && !a.CuratedRelated {
			return nil
		}
		v, err := json.Marshal([]any{a.HeldRelated, a.MemberRelated, a.CuratedRelated})
		held[r.Path] = string(v)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return held
}
