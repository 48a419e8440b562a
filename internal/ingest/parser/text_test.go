package parser

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainTextSanitizesAndNormalizes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>Polls close at <b>7 p.m.</b></p>\n\n   in six states.", "Polls close at 7 p.m. in six states."},
		{`<script>alert("x")</script>Safe &amp; sound`, "Safe & sound"},
		{"AT&amp;T and &lt;b&gt;", "AT&T and <b>"},
		{"  plain\u00a0text\t\r\n", "plain text"},
		{`<img src=x onerror=alert(1)>caption`, "caption"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncateCutsAtWordBoundary(t *testing.T) {
	long := strings.Repeat("word ", 100)
	got := Truncate(NormalizeSpace(long), 50)
	if !strings.HasSuffix(got, " ...") || utf8.RuneCountInString(got) > 54 {
		t.Fatalf("Truncate = %q", got)
	}
	if strings.Contains(strings.TrimSuffix(got, " ..."), "wor ") || strings.HasSuffix(strings.TrimSuffix(got, " ..."), "wor") {
		t.Fatalf("cut inside a word: %q", got)
	}
	if Truncate("short", 50) != "short" {
		t.Fatal("short text changed")
	}
	if got := Truncate(strings.Repeat("é", 60), 10); got != strings.Repeat("é", 10)+" ..." {
		t.Fatalf("rune cut = %q", got)
	}
}
