package cli

import (
	"testing"
	"time"
)

func TestNowIsTheFlagsTimeOrTheClockReadOnce(t *testing.T) {
	tests := []struct {
		flag    string
		want    time.Time // zero: the clock at the call
		wantErr bool
	}{
		{flag: "2026-11-01T08:00:00Z", want: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)},
		{flag: "2026-11-01", want: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{flag: ""},
		{flag: "yesterday", wantErr: true},
		{flag: "2026-13-01", wantErr: true},
	}
	for _, tt := range tests {
		before := time.Now()
		now, err := parseNow(tt.flag)
		after := time.Now()
		if tt.wantErr {
			if err == nil {
				t.Errorf("parseNow(%q): no error", tt.flag)
			}
			continue
		}
		if err != nil {
			t.Fatalf("parseNow(%q): %v", tt.flag, err)
		}
		first := now()
		time.Sleep(5 * time.Millisecond)
		if again := now(); !again.Equal(first) {
			t.Errorf("parseNow(%q) gave %v, then %v: one command must see one instant", tt.flag, first, again)
		}
		switch {
		case !tt.want.IsZero() && !first.Equal(tt.want):
			t.Errorf("parseNow(%q) = %v, want %v", tt.flag, first, tt.want)
		case tt.want.IsZero() && (first.Before(before) || first.After(after)):
			t.Errorf("parseNow(%q) = %v, want the clock at the call (%v to %v)", tt.flag, first, before, after)
		}
	}
}
