package main

import (
	"strings"
	"testing"
	"time"
)

// Pages sent at a slow server's pace (-page-transfer, every Nth with
// -page-transfer-every) arrive whole, padded or not, as the others do.
func TestSlowPagesArriveWhole(t *testing.T) {
	for _, tc := range []struct {
		name    string
		padding int
	}{{"plain", 0}, {"padded", 20_000}} {
		t.Run(tc.name, func(t *testing.T) {
			g, srv := serveGenerated(t, 1, 4)
			g.padding = padding(tc.padding)
			var want []string
			for _, p := range []string{"/articles/0/0", "/articles/0/1"} {
				_, _, page := fetch(t, srv, p, "")
				want = append(want, page)
			}
			g.pageTransfer, g.slowEvery = 20*time.Millisecond, 2 // page 0 slow, page 1 not
			for i, p := range []string{"/articles/0/0", "/articles/0/1"} {
				code, _, page := fetch(t, srv, p, "")
				if code != 200 || tc.padding > 0 && len(page) < tc.padding || page != want[i] || !strings.Contains(page, "</html>") {
					t.Errorf("%s: %d, %d bytes, want the %d bytes sent at once", p, code, len(page), len(want[i]))
				}
			}
		})
	}
}
