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

// grid is the set of parameter values cross-validation chooses from.
func grid() []cand {
	var cs []cand
	for _, md := range []float64{100, 200, 400, 800} {
		for _, agree := range []bool{false, true} {
			for _, selfOn := range []float64{1, 0.3} {
				for _, relabel := range []bool{true, false} {
					p := defaultParams()
					p.muDocs, p.agree, p.selfOn, p.relabel = md, agree, selfOn, relabel
					cs = append(cs, cand{fmt.Sprintf("muDocs=%g agree=%v selfOn=%.1f relabel=%v", md, agree, selfOn, relabel), p})
				}
			}
		}
	}
	return cs
}

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
