package cli

import (
	"strings"
	"testing"
)

func TestTerminalText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain\tcolumns\n", "plain\tcolumns\n"},
		{"Выборы 2026 · élection … 選挙\n", "Выборы 2026 · élection … 選挙\n"},
		{"clear \x1b[2J screen", `clear \x1b[2J screen`},
		{"title \x1b]0;x\x07 bell", `title \x1b]0;x\a bell`},
		{"back\rover", `back\rover`},
		{"del\x7f", `del\x7f`},
		{"csi \u009b31m and nel \u0085", `csi \u009b31m and nel \u0085`},
		{"invalid \xff\xfe bytes", "invalid \xff\xfe bytes"},
	} {
		var b strings.Builder
		n, err := terminalText{&b}.Write([]byte(tc.in))
		if err != nil || n != len(tc.in) || b.String() != tc.want {
			t.Errorf("%q: wrote %q (%d, %v), want %q", tc.in, b.String(), n, err, tc.want)
		}
	}
}
