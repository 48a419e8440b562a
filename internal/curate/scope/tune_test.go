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
		for _, agree := range []bool{false, true} {
			for _, selfOn := range []float64{0.25, 0.5, 1} {
				p := defaultParams()
				p.muDocs, p.agree, p.selfOn = md, agree, selfOn
				cs = append(cs, cand{fmt.Sprintf("muDocs=%g agree=%v selfOn=%.2f", md, agree, selfOn), p})
			}
		}
	}
	return cs
}

// TestTuneGrid prints the whole grid on the dev hubs; run with
// NEWSHUB_TUNE=1.
func TestTuneGrid(t *testing.T) {
	if os.Getenv("NEWSHUB_TUNE") == "" {
		t.Skip("set NEWSHUB_TUNE=1 to print the parameter grid on the dev hubs")
	}
	hubs := loadDevHubs(t)
	for _, c := range grid() {
		line := ""
		for _, h := range hubs {
			line += " " + h.name + " " + score(h.items, run(h, c.p)).String()
		}
		t.Logf("%-48s%s", c.name, line)
	}
}
