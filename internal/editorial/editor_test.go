package editorial

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// openSite returns a site folder and a SQLite store in it.
func openSite(t *testing.T) (string, store.Store) {
	t.Helper()
	site := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(site, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return site, st
}

func TestEditorKeepsThenAppliesEachDecision(t *testing.T) {
	ctx := context.Background()
	site, st := openSite(t)
	var applied []model.Decision
	var failApply error
	ed := NewEditor(st, site, func(_ context.Context, ds []model.Decision) error {
		// What is applied is already in the log: curation reads it there.
		log, err := Load(ctx, st, site)
		if err != nil || log.Len() == 0 || log.Decisions[log.Len()-1].Action != ds[0].Action {
			t.Errorf("applied before it was kept: %v", err)
		}
		applied = append(applied, ds...)
		return failApply
	})
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		d       model.Decision
		fail    error
		wantErr string
		kept    int // decisions in the log after
		applied int // decisions applied after
	}{
		{"valid", model.Decision{Action: Hide, Article: "https://example.org/a", By: "ada", At: at}, nil, "", 1, 1},
		{"invalid is refused, nothing kept", model.Decision{Action: Pin, Story: "s-1", By: "ada", At: at}, nil, "pin: until is missing", 1, 1},
		{"unknown action is refused", model.Decision{Action: "delete", Article: "https://example.org/a", At: at}, nil, `unknown action "delete"`, 1, 1},
		{"kept when applying fails", model.Decision{Action: BlockPublisher, Publisher: "spam.example", By: "bob", At: at}, errors.New("store gone"),
			"recorded as decision 2, but not applied yet", 2, 2},
	}
	for _, tt := range tests {
		failApply = tt.fail
		err := ed.Apply(ctx, tt.d)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
		}
		ds, err := ed.Decisions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != tt.kept || len(applied) != tt.applied {
			t.Errorf("%s: %d kept, %d applied; want %d and %d", tt.name, len(ds), len(applied), tt.kept, tt.applied)
		}
	}
	data, err := os.ReadFile(File(site))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "action: block-publisher") || !strings.Contains(string(data), "publisher: spam.example") {
		t.Errorf("the site folder's log:\n%s", data)
	}
}

// TestCacheParsesAFileOnlyWhenItsBytesChange reads a site folder's log
// through a Cache: the same bytes give the log parsed before, other bytes
// of the same length are parsed again, and a file removed leaves the
// store's copy to read.
func TestCacheParsesAFileOnlyWhenItsBytesChange(t *testing.T) {
	ctx := context.Background()
	site, st := openSite(t)
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	if _, err := Append(ctx, st, site, model.Decision{Action: Hide, Article: "https://example.org/a", By: "ada", At: at}); err != nil {
		t.Fatal(err)
	}
	var c Cache
	first, err := c.Load(ctx, st, site)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Load(ctx, st, site)
	if err != nil || again != first {
		t.Errorf("unchanged file: parsed again (%v)", err)
	}
	edited := strings.Replace(string(first.Raw), "action: hide", "action: show", 1)
	if err := os.WriteFile(File(site), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := c.Load(ctx, st, site)
	if err != nil || got == first || len(got.Decisions) != 1 || got.Decisions[0].Action != Show {
		t.Errorf("edited file: %+v %v, want the show", got, err)
	}
	if err := os.Remove(File(site)); err != nil {
		t.Fatal(err)
	}
	got, err = c.Load(ctx, st, site)
	if err != nil || got.From != "store:"+Path || len(got.Decisions) != 1 || got.Decisions[0].Action != Hide {
		t.Errorf("file removed: %+v %v, want the store's copy", got, err)
	}
	if again, err := c.Load(ctx, st, site); err != nil || again != got {
		t.Errorf("unchanged store copy: parsed again (%v)", err)
	}
}
