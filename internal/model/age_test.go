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
		{"off", 0, ""},
		{"", 0, "not an age"},
		{"30", 0, "not an age"},
		{"d", 0, "not an age"},
		{"30 d", 0, "not an age"},
		{"1000000d", 0, "not an age"},
		{"-2d", 0, "not an age"},
		{"-1h", 0, "more than nothing"},
		{"0d", 0, "more than nothing"},
		{"0s", 0, "more than nothing"},
		{"Off", 0, "not an age"},
		{"3y", 0, "not an age"},
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
