package content

import (
	"strings"
	"testing"
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
