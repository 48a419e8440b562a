package model

import (
	"strings"
	"testing"
	"time"
)

func TestParseAge(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30d", 30 * day, ""},
		{"1d", day, ""},
		{"2w", 14 * day, ""},
		{"100000d", 100000 * day, ""},
		{"100001d", 0, "not an age"},
		{"20000w", 0, "not an age"},
		{"36h", 36 * time.Hour, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"1h", time.Hour, ""},
		{"off", 0, ""},
		{"", 0, "not an age"},
		{"30", 0, "not an age"},
		{"d", 0, "not an age"},
		{"30 d", 30 * day, ""},
		{"30 days", 30 * day, ""},
		{"1 day", day, ""},
		{"2 weeks", 14 * day, ""},
		{"6mo", 180 * day, ""},
		{"6 months", 180 * day, ""},
		{"1 Month", 30 * day, ""},
		{"1y", 365 * day, ""},
		{"2 years", 730 * day, ""},
		{"273y", 273 * 365 * day, ""},
		{"274y", 0, "too long"},
		{"6m", 0, "minutes or months? write months as 6mo, minutes as 360s"},
		{"90m", 0, "minutes or months? write months as 90mo, minutes as 5400s"},
		{"1.5m", 0, "minutes or months?"},
		{"3600s", time.Hour, ""},
		{"240s", 4 * time.Minute, ""},
		{"0h4m", 4 * time.Minute, ""},
		{"6 mins", 0, "not an age"},
		{"6 m", 0, "not an age"},
		{"d", 0, "not an age"},
		{"1000000d", 0, "not an age"},
		{"-2d", 0, "not an age"},
		{"-1h", 0, "more than nothing"},
		{"0d", 0, "more than nothing"},
		{"0s", 0, "more than nothing"},
		{"Off", 0, "not an age"},
	}
	for _, tt := range tests {
		got, err := ParseAge(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseAge(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// TestSpansTooLong checks spans past the longest newshub takes (100000
// days, within a time.Duration): each is an error that says so, in days,
// weeks or a Go duration, never a value wrapped past the longest
// duration (30501 weeks wrapped to three days).
func TestSpansTooLong(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration // 0: too long
	}{
		{"100000d", 100000 * day},
		{"14285w", 14285 * 7 * day},
		{"200000h", 200000 * time.Hour},
		{"2400000h", 100000 * day},
		{"100001d", 0},
		{"14286w", 0},
		{"30501w", 0},
		{"999999w", 0},
		{"1000000d", 0},
		{"2400001h", 0},
		{"2562048h", 0},
		{"99999999999m", 0},
		{"9223372036854775808ns", 0},
		{"1h99999999999999999999s", 0},
	}
	for _, tt := range tests {
		got, err := ParseSpan(tt.in)
		if tt.want == 0 {
			if err == nil || !strings.Contains(err.Error(), "too long: at most 100000 days") {
				t.Errorf("ParseSpan(%q) = %v, %v; want an error saying it is too long", tt.in, got, err)
			}
		} else if err != nil || got != tt.want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		age, err := ParseAge(tt.in)
		if tt.want == 0 {
			if err == nil || !strings.Contains(err.Error(), "not an age: too long") {
				t.Errorf("ParseAge(%q) = %v, %v; want an error saying it is too long", tt.in, age, err)
			}
		} else if err != nil || age != tt.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", tt.in, age, err, tt.want)
		}
	}
}
