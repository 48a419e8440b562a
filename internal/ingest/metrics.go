package ingest

import "newshub/internal/metrics"

// Fetch outcomes, as the summary counts them.
const (
	fetchFetched     = "fetched"
	fetchNotModified = "not modified"
	fetchFailed      = "failed"
	fetchNotAsked    = "not asked" // the host asked to wait (Retry-After)
)

// measured is the round as the metrics count it: the summary's own
// counts, under the names `ingest --once` and `sources list` show.
func (s Summary) measured(err error) metrics.Round {
	items := make(map[string]int, len(s.NotStored)+1)
	items[metrics.OutcomeStored] = s.New
	for reason, n := range s.NotStored {
		items[reason] += n
	}
	return metrics.Round{
		Duration:   s.Duration,
		Err:        err != nil,
		Fetches:    map[string]int{fetchFetched: s.Fetched, fetchNotModified: s.NotModified, fetchFailed: s.Failed, fetchNotAsked: s.HeldOff},
		NotCounted: s.NetworkOut,
		Items:      items,
		Pages:      s.Pages,
	}
}
