package metrics

import (
	"errors"
	"fmt"
	"io"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	hubmodel "newshub/internal/model"
	"newshub/internal/store"
)

// ParseStatus reads a Status back from metrics in the text format, as a
// running server's /metrics serves them, with what the server counted
// since it started.
func ParseStatus(r io.Reader) (Status, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return Status{}, fmt.Errorf("metrics: %w", err)
	}
	f := families(fams)
	switch up, ok := f.value(nameStoreUp); {
	case !ok:
		return Status{}, errors.New("metrics: no state of the hub (newshub_store_up missing)")
	case up != 1:
		return Status{}, errors.New("metrics: the server could not read its store")
	}
	s := Status{
		Records:   map[hubmodel.Kind]int{},
		LastReads: Reads{Outcomes: f.byLabel(nameLastReadByItem, "outcome")},
		Running: &Running{
			Started:   unixTime(f.sum(nameProcessStart)),
			LastRound: unixTime(f.sum(nameLastRound)),
			Fetches:   f.byLabel(nameFetches, "outcome"),
			Items:     f.byLabel(nameItems, "outcome"),
			Requests:  int(f.sum(nameHTTPRequests)),
		},
	}
	gen, _ := f.value(nameGeneration)
	s.Generation = int64(gen)
	for kind, n := range f.byLabel(nameRecords, "kind") {
		s.Records[hubmodel.Kind(kind)] = n
	}
	states := f.byLabel(nameSources, "state")
	s.Sources = SourceCounts{Listed: states[stateListed], Disabled: states[stateDisabled],
		Due: states[stateDue], Failing: states[stateFailing], Paused: states[statePaused]}
	s.LastFetch = unixTime(f.sum(nameLastFetch))
	s.LastReads.Items = int(f.sum(nameLastReadSeen))
	if file, ok := f.value(nameFileBytes); ok {
		free, _ := f.value(nameFreeBytes)
		s.Space = &store.Space{File: int64(file), Free: int64(free)}
	}
	rounds := f.byLabel(nameRounds, "result")
	s.Running.Rounds = rounds[roundOK] + rounds[roundErr]
	s.Running.RoundErrors = rounds[roundErr]
	return s, nil
}

// families reads values out of parsed metric families.
type families map[string]*dto.MetricFamily

// value returns the value of the family's first metric, and whether it
// has one.
func (f families) value(name string) (float64, bool) {
	fam := f[name]
	if fam == nil || len(fam.GetMetric()) == 0 {
		return 0, false
	}
	return valueOf(fam.GetMetric()[0]), true
}

// sum adds the values of every metric of the family.
func (f families) sum(name string) float64 {
	var total float64
	for _, m := range f[name].GetMetric() {
		total += valueOf(m)
	}
	return total
}

// byLabel sums the family's values by the value of one label.
func (f families) byLabel(name, label string) map[string]int {
	out := map[string]int{}
	for _, m := range f[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				out[l.GetValue()] += int(valueOf(m))
			}
		}
	}
	return out
}

func valueOf(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetUntyped() != nil:
		return m.GetUntyped().GetValue()
	}
	return 0
}
