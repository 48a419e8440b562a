package importer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// TestImportKeepsAsTheyAreFilesItCannotTakeAsRecords imports testdata/kept,
// a hub whose files are all sound but some give what another file gives
// already (Smartable's own hubs hold an article in both _news and
// _archive/news: the live copy in _news is read, though the archive comes
// first in path order) and some hold no record (a README, an empty file,
// one saved as UTF-16 or with lone CRs: static files to Jekyll; an empty
// data file, which Jekyll reads as no data): those are kept as they are,
// each named with its line and why; hidden files, which Jekyll does not
// read either, are kept as they are too, and so are files shaped like
// records but named or placed where newshub does not read them, each named
// with why; every file comes back from the store byte for byte; a second
// import finds them all unchanged.
func TestImportKeepsAsTheyAreFilesItCannotTakeAsRecords(t *testing.T) {
	tests := []struct {
		rel  string
		kind model.Kind
		line int    // of the report; 0 for none
		want string // words of the report
	}{
		{"_archive/news/2020-09-13-same-story.md", model.KindOpaque, 6, `article URL "https://example.com/same-story" is already given by _news/2020-09-13-same-story.md`},
		{"_news/2020-09-13-same-story.md", model.KindNews, 0, ""},
		{"_news/2020-09-14-same-story-retitled.md", model.KindOpaque, 6, "is already given by _news/2020-09-13-same-story.md"},
		{"_news/2020-09-15-bom.md", model.KindNews, 0, ""},
		{"_news/README.md", model.KindOpaque, 1, "no front matter (the file does not start with a --- line)"},
		{"_news/2020-09-21-saved-as-unicode.md", model.KindOpaque, 1, "the file is UTF-16 text"},
		{"_news/2020-09-22-classic-mac.md", model.KindOpaque, 1, "lines end with a lone CR"},
		{"_news/.gitkeep", model.KindOpaque, 0, ""},
		{"_news/.2020-09-16-draft.md", model.KindOpaque, 0, ""},
		{"_people/empty.md", model.KindOpaque, 1, "empty file, so no front matter"},
		// Shaped like records, but named or placed where newshub does
		// not read them (Jekyll does: it names its posts .markdown,
		// reads upper-case extensions and subfolders).
		{"_news/2020-09-17-welcome-to-the-hub.markdown", model.KindOpaque, 1, "front matter like the records of _news/, which newshub reads only from files named *.md directly in _news/"},
		{"_news/2020-09-18-saved-on-windows.MD", model.KindOpaque, 1, "files named *.md directly in _news/"},
		{"_news/2020/09/2020-09-19-filed-by-month.md", model.KindOpaque, 1, "files named *.md directly in _news/"},
		{"_newsletters/hub-2020-09-20.md", model.KindOpaque, 1, "files named *.html directly in _newsletters/"},
		{"_data/topics/retired/02-primaries.yaml", model.KindOpaque, 1, "a YAML file like the records of _data/topics/, which newshub reads only from files named *.yaml or *.yml directly in _data/topics/"},
		// Not shaped like records, or left out by Jekyll too: no report.
		{"_news/2020-09-17-welcome-to-the-hub.markdown~", model.KindOpaque, 0, ""},
		{"_news/cover.png", model.KindOpaque, 0, ""},
		{"_data/topics/00-election.yaml", model.KindTopic, 0, ""},
		{"_data/topics/01-election-again.yaml", model.KindOpaque, 2, `topic _id "election" is already given by _data/topics/00-election.yaml`},
		{"_data/topics/02-to-come.yaml", model.KindOpaque, 1, "empty file (blank or comment lines only): Jekyll reads it as no data"},
		{"_data/topics/03-empty.yml", model.KindOpaque, 1, "empty file (blank or comment lines only): Jekyll reads it as no data"},
		{"_data/organizations/example.com.md", model.KindOrganization, 0, ""},
		{"_data/organizations/example.net.yml", model.KindOpaque, 1, "a data file Jekyll reads, but the records of _data/organizations/ that newshub reads are front matter in files named *.md"},
		{"_data/organizations/www.example.com.md", model.KindOpaque, 5, `organization domain "example.com" is already given by _data/organizations/example.com.md`},
	}
	src := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(src, os.DirFS("testdata/kept")); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	var streamed int
	res := importInto(t, dbPath, src, Options{Keep: func(*FileError) { streamed++ }})
	if len(res.Rejected) != 0 {
		t.Errorf("rejected %v, want none", res.Rejected)
	}
	kept := map[string]*FileError{}
	for _, e := range res.Kept {
		kept[e.Path] = e
	}
	stored := storedFiles(t, dbPath)
	files := testutil.Files(t, src)
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			got, ok := stored[tt.rel]
			switch {
			case !ok:
				t.Fatal("not stored")
			case got.kind != tt.kind:
				t.Errorf("stored as %s, want %s", got.kind, tt.kind)
			case !bytes.Equal(got.raw, files[tt.rel]):
				t.Errorf("stored bytes differ from the file's")
			}
			e := kept[filepath.Join(src, filepath.FromSlash(tt.rel))]
			switch {
			case tt.want == "" && e != nil:
				t.Errorf("reported %q, want no report", e)
			case tt.want == "":
			case e == nil:
				t.Errorf("not reported, want %q", tt.want)
			case e.Line != tt.line || !strings.Contains(e.Error(), tt.want) || !strings.Contains(e.Error(), "kept as it is"):
				t.Errorf("reported %q, want line %d, %q and that it is kept as it is", e, tt.line, tt.want)
			}
		})
	}
	if len(stored) != len(files) || len(stored) != len(tests) {
		t.Errorf("%d records stored for %d files, want %d", len(stored), len(files), len(tests))
	}
	if streamed != len(res.Kept) || len(res.Kept) != 16 || res.Unread != 16 {
		t.Errorf("%d reports streamed, %d in the result, %d counted unread, want 16", streamed, len(res.Kept), res.Unread)
	}
	if c := res.Collections["_news"]; c.Files != 13 || c.Opaque != 11 {
		t.Errorf("_news counted %+v, want 13 files of which 11 kept as they are", c)
	}
	if c := res.Collections["_archive"]; c.Files != 1 || c.Opaque != 1 {
		t.Errorf("_archive counted %+v, want 1 file kept as it is", c)
	}

	again := importInto(t, dbPath, src, Options{})
	if again.Unchanged != len(files) || len(again.Rejected) != 0 || again.Kinds[model.KindOpaque] != 20 {
		t.Errorf("second import: %d unchanged, %d rejected, %d opaque; want all %d unchanged, none rejected, 20 opaque",
			again.Unchanged, len(again.Rejected), again.Kinds[model.KindOpaque], len(files))
	}
}

type storedRecord struct {
	kind model.Kind
	raw  []byte
}

// storedFiles returns the kind and bytes of every record of the SQLite
// store at dbPath, as export reads them.
func storedFiles(t *testing.T, dbPath string) map[string]storedRecord {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs := map[string]storedRecord{}
	err = st.ScanRaw(context.Background(), nil, func(path string, kind model.Kind, raw []byte) error {
		recs[path] = storedRecord{kind, bytes.Clone(raw)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
