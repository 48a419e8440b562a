package scope

import (
	"fmt"
	"os"
	"testing"
)

type cand struct {
	name string
	p    params
}

// grid is the set of parameter values cross-validation chooses from,
// around the defaults.
func grid() []cand {
	var cs []cand
	for _, md := range []float64{150, 300, 600} {
		for _, parts := range []int{1, 4} {
			for _, selfOff := range []float64{0.5, 1} {
				p := defaultParams()
				p.muDocs, p.offParts, p.selfOff = md, parts, selfOff
				cs = append(cs, cand{fmt.Sprintf("muDocs=%g offParts=%d selfOff=%.2f", md, parts, selfOff), p})
			}
		}
	}
	return cs
}

// TestTuneGrid prints the whole grid on the dev hubs, in each stream's
// own order and as the mean over it and four shuffles; run with
// NEWSHUB_TUNE=1.
func TestTuneGrid(t *testing.T) {
	if os.Getenv("NEWSHUB_TUNE") == "" {
		t.Skip("set NEWSHUB_TUNE=1 to print the parameter grid on the dev hubs")
	}
	hubs := loadDevHubs(t)
	ords := make([][]devHub, len(hubs))
	for i, h := range hubs {
		ords[i] = orders(h, 4)
	}
	for _, c := range grid() {
		line := ""
		for i, h := range hubs {
			line += fmt.Sprintf(" | %s own %v, %v", h.name, score(h.items, run(h, c.p)), runOrders(ords[i], c.p))
		}
		t.Logf("%-40s%s", c.name, line)
	}
}
