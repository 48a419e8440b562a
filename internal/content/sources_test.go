package content

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"newshub/internal/model"
)

func TestSourcesDedicatedRoundTrips(t *testing.T) {
	raw := "sources:\n" +
		"  - url: https://space.example/feed\n" +
		"    provider: space.example\n" +
		"    dedicated: true\n" +
		"  - url: https://news.example/rss\n" +
		"    dedicated: false\n"
	rec, err := Parse("_data/sources.yaml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if s := rec.Sources.Sources; len(s) != 2 || !s[0].Dedicated || s[1].Dedicated {
		t.Fatalf("sources %+v, want the first dedicated and the second not", s)
	}
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.Raw) != raw {
		t.Errorf("unchanged sources rendered as\n%s\nwant\n%s", rec.Raw, raw)
	}
	// A changed list writes dedicated: true, and only where it is.
	rec.Sources.Sources = append(rec.Sources.Sources, rec.Sources.Sources[0])
	rec.Sources.Sources[2].URL = "https://moon.example/atom"
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("_data/sources.yaml", rec.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if s := back.Sources.Sources; len(s) != 3 || !s[0].Dedicated || s[1].Dedicated || !s[2].Dedicated {
		t.Errorf("after a change: %+v\n%s", s, rec.Raw)
	}
	if n := strings.Count(string(rec.Raw), "dedicated: true"); n != 2 {
		t.Errorf("%d dedicated lines, want 2:\n%s", n, rec.Raw)
	}
}

func TestSourcesDedicatedMustBeABoolean(t *testing.T) {
	raw := "sources:\n  - url: https://space.example/feed\n    dedicated: maybe\n"
	_, err := Parse("_data/sources.yaml", []byte(raw))
	if err == nil || !strings.Contains(err.Error(), ":3") || !strings.Contains(err.Error(), "dedicated") {
		t.Errorf("Parse: %v, want an error naming line 3 and dedicated", err)
	}
}

// TestSourcesIntervalMustBeADuration reads the intervals operators write
// by hand: days as the age settings take them, and a duration; one that
// is neither, or under a minute, is an error naming its line, where the
// fetch would only have fallen back to the adaptive schedule without a
// word.
func TestSourcesIntervalMustBeADuration(t *testing.T) {
	for _, c := range []struct {
		interval string
		ok       bool
	}{
		{"90m", true},
		{"2h30m", true},
		{`"1h"`, true},
		{"often", false},
		{"1d", true}, // as archive_after is written
		{"2 days", false},
		{"30s", false},
		{"30", false},
	} {
		raw := "sources:\n  - url: https://space.example/feed\n    interval: " + c.interval + "\n"
		_, err := Parse("_data/sources.yaml", []byte(raw))
		if c.ok && err != nil {
			t.Errorf("interval %s: %v", c.interval, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), ":3: sources[0].interval: ")) {
			t.Errorf("interval %s: %v, want an error naming line 3 and sources[0].interval", c.interval, err)
		}
	}
}

// TestSourcesIntervalTooLong checks intervals of decades up to the
// longest span newshub takes, and past it: one too long is an error naming
// its line and saying so, not a value wrapped past the longest duration.
func TestSourcesIntervalTooLong(t *testing.T) {
	for _, c := range []struct {
		interval string
		ok       bool
	}{
		{"200000h", true},
		{"100000d", true},
		{"100001d", false},
		{"30501w", false},
		{"2562048h", false},
		{"99999999999m", false},
	} {
		raw := "sources:\n  - url: https://space.example/feed\n    interval: " + c.interval + "\n"
		_, err := Parse("_data/sources.yaml", []byte(raw))
		if c.ok && err != nil {
			t.Errorf("interval %s: %v", c.interval, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), ":3: sources[0].interval: interval \""+c.interval+"\" is too long")) {
			t.Errorf("interval %s: %v, want an error naming line 3 and saying it is too long", c.interval, err)
		}
	}
}

// TestSourcesEditKeepsTheOperatorsLines changes a hand-written sources
// list as the hub does (a source added, removed, turned off) and checks
// that the lines of every other entry, and those of a changed entry's
// fields that stay, stay as written: comments, blank lines, flow lists,
// anchors and merge keys. Where keeping them cannot
// give the list wanted (an alias whose anchor goes), the list is written
// whole, its values kept.
func TestSourcesEditKeepsTheOperatorsLines(t *testing.T) {
	const handWritten = "# Feeds of the election hub.\n" +
		"sources:\n" +
		"  # National papers\n" +
		"  - url: https://a.example.com/feed.xml   # the main one\n" +
		"    topics: [Election]\n" +
		"  - &daily\n" +
		"    url: https://b.example.com/feed.xml\n" +
		"    interval: 1d\n" +
		"\n" +
		"  # Local\n" +
		"  - <<: *daily\n" +
		"    url: https://c.example.com/feed.xml\n" +
		"defaults: {}\n"
	// Entries commented out after the last, as operators keep feeds
	// they mean to read again.
	const commentedOut = "sources:\n" +
		"  - url: https://a.example.com/feed.xml\n" +
		"  - url: https://b.example.com/feed.xml\n" +
		"\n" +
		"  # - url: https://old.example.com/rss   # gone quiet\n" +
		"  #   topics: [Election]\n" +
		"defaults: {}\n"
	off := false
	tests := []struct {
		name   string
		raw    string
		change func(s []model.Source) []model.Source
		want   string
	}{
		{"a source added", handWritten, func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://d.example.com/feed.xml", Topics: []string{"Election"}})
		}, strings.Replace(handWritten, "defaults: {}\n", "  - url: https://d.example.com/feed.xml\n    topics:\n      - Election\ndefaults: {}\n", 1)},
		{"a source removed with the comments above it", handWritten, func(s []model.Source) []model.Source {
			return s[1:]
		}, strings.Replace(handWritten, "  # National papers\n  - url: https://a.example.com/feed.xml   # the main one\n    topics: [Election]\n", "", 1)},
		{"a source turned off, its other lines kept", handWritten, func(s []model.Source) []model.Source {
			s[0].Enabled = &off
			return s
		}, strings.Replace(handWritten, "    topics: [Election]\n", "    topics: [Election]\n    enabled: false\n", 1)},
		{"entries at the key's own column", "sources:\n- url: https://a.example.com/feed.xml  # kept\n", func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://b.example.com/feed.xml"})
		}, "sources:\n- url: https://a.example.com/feed.xml  # kept\n- url: https://b.example.com/feed.xml\n"},
		{"line ends of Windows", "sources:\r\n  # one\r\n  - url: https://a.example.com/feed.xml\r\n", func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://b.example.com/feed.xml"})
		}, "sources:\r\n  # one\r\n  - url: https://a.example.com/feed.xml\r\n  - url: https://b.example.com/feed.xml\r\n"},
		{"a comment aligned after the key", "sources:    # what the hub reads\n  - url: https://a.example.com/feed.xml  # kept\n", func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://b.example.com/feed.xml"})
		}, "sources:    # what the hub reads\n  - url: https://a.example.com/feed.xml  # kept\n  - url: https://b.example.com/feed.xml\n"},
		{"a byte order mark, as Notepad writes it", "\ufeffsources:\r\n  # one\r\n  - url: https://a.example.com/feed.xml\r\n", func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://b.example.com/feed.xml"})
		}, "\ufeffsources:\r\n  # one\r\n  - url: https://a.example.com/feed.xml\r\n  - url: https://b.example.com/feed.xml\r\n"},
		{"a comment after the last entry kept when it is turned off", commentedOut, func(s []model.Source) []model.Source {
			s[1].Enabled = &off
			return s
		}, strings.Replace(commentedOut, "  - url: https://b.example.com/feed.xml\n", "  - url: https://b.example.com/feed.xml\n    enabled: false\n", 1)},
		{"a comment after the last entry kept when it is removed", commentedOut, func(s []model.Source) []model.Source {
			return s[:1]
		}, strings.Replace(commentedOut, "  - url: https://b.example.com/feed.xml\n", "", 1)},
		{"a comment after the last entry kept after one added", commentedOut, func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://d.example.com/feed.xml"})
		}, strings.Replace(commentedOut, "\n\n  # - url:", "\n  - url: https://d.example.com/feed.xml\n\n  # - url:", 1)},
		{"a comment after the last entry kept when every source is removed", commentedOut, func(s []model.Source) []model.Source {
			return s[:0]
		}, strings.Replace(commentedOut, "sources:\n  - url: https://a.example.com/feed.xml\n  - url: https://b.example.com/feed.xml\n", "sources: []\n", 1)},
		{"a source added to a list emptied, its comments kept", "sources: []  # none for now\n  # - url: https://old.example.com/rss\ndefaults: {}\n",
			func(s []model.Source) []model.Source {
				return append(s, model.Source{URL: "https://d.example.com/feed.xml"})
			}, "sources:  # none for now\n  - url: https://d.example.com/feed.xml\n  # - url: https://old.example.com/rss\ndefaults: {}\n"},
		{"a second document, which neither Jekyll nor the hub reads, kept", "sources:\n  - url: https://a.example.com/feed.xml\n---\n# Last year's list\nsources:\n  - url: https://old.example.com/rss\n",
			func(s []model.Source) []model.Source {
				return append(s, model.Source{URL: "https://d.example.com/feed.xml"})
			}, "sources:\n  - url: https://a.example.com/feed.xml\n  - url: https://d.example.com/feed.xml\n---\n# Last year's list\nsources:\n  - url: https://old.example.com/rss\n"},
		{"the first source of a list of none yet", "sources:\n", func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://d.example.com/feed.xml"})
		}, "sources:\n  - url: https://d.example.com/feed.xml\n"},
		{"the first source of a list of entries commented out", "sources:\n  # - url: https://old.example.com/rss\n", func(s []model.Source) []model.Source {
			return append(s, model.Source{URL: "https://d.example.com/feed.xml"})
		}, "sources:\n  - url: https://d.example.com/feed.xml\n  # - url: https://old.example.com/rss\n"},
		{"the anchor's entry removed: written whole", handWritten, func(s []model.Source) []model.Source {
			return append(s[:1], s[2])
		}, "# Feeds of the election hub.\n" +
			"sources:\n" +
			"  - url: https://a.example.com/feed.xml\n" +
			"    topics:\n" +
			"      - Election\n" +
			"  - url: https://c.example.com/feed.xml\n" +
			"    interval: 1d\n" +
			"defaults: {}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Parse("_data/sources.yaml", []byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.change(slices.Clone(rec.Sources.Sources))
			rec.Sources.Sources = want
			if err := Render(rec); err != nil {
				t.Fatal(err)
			}
			if string(rec.Raw) != tt.want {
				t.Errorf("written as\n%s\nwant\n%s", rec.Raw, tt.want)
			}
			back, err := Parse("_data/sources.yaml", rec.Raw)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back.Sources.Sources, want) {
				t.Errorf("reads back as %+v, want %+v", back.Sources.Sources, want)
			}
		})
	}
}

// A long list hand-kept keeps every line when a source is added: the
// edit matches the entries through an index (see
// BenchmarkSourcesEditOfALongList for what it costs).
func TestSourcesEditOfALongListKeepsItsLines(t *testing.T) {
	raw := longSourcesList(30_000)
	rec, err := Parse("_data/sources.yaml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	rec.Sources.Sources = append(rec.Sources.Sources, model.Source{URL: "https://new.example.com/rss"})
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	if want := raw + "  - url: https://new.example.com/rss\n"; string(rec.Raw) != want {
		t.Fatalf("written as %d bytes, want the list as it was and the new source (%d bytes)", len(rec.Raw), len(want))
	}
}

// BenchmarkSourcesEditOfALongList adds a source to a list of 30,000, as
// the admin's form and sources add do; reading the list is the floor.
func BenchmarkSourcesEditOfALongList(b *testing.B) {
	raw := []byte(longSourcesList(30_000))
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := Parse("_data/sources.yaml", raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("add", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			rec, err := Parse("_data/sources.yaml", raw)
			if err != nil {
				b.Fatal(err)
			}
			rec.Sources.Sources = append(rec.Sources.Sources, model.Source{URL: "https://new.example.com/rss"})
			b.StartTimer()
			if err := Render(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// longSourcesList returns a sources list of n feeds under a comment.
func longSourcesList(n int) string {
	var b strings.Builder
	b.WriteString("# Feeds, kept by hand\nsources:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - url: https://feeds%d.example.com/rss\n", i)
	}
	return b.String()
}
