package cli

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"newshub/internal/model"
)

// kindOrder is the order in which summaries list record kinds.
var kindOrder = []model.Kind{
	model.KindNews, model.KindPerson, model.KindPeopleList, model.KindEvent,
	model.KindLearning, model.KindLearningList, model.KindNewsletter, model.KindTopic,
	model.KindOrganization, model.KindConfig, model.KindSources, model.KindDecisions, model.KindOpaque,
}

// kindSummary renders counts by kind as "news 10, topic 3", in a fixed order.
func kindSummary(counts map[model.Kind]int) string {
	var parts []string
	seen := map[model.Kind]bool{}
	for _, k := range kindOrder {
		seen[k] = true
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
		}
	}
	var rest []string
	for k, n := range counts {
		if !seen[k] && n > 0 {
			rest = append(rest, fmt.Sprintf("%s %d", k, n))
		}
	}
	sort.Strings(rest)
	parts = append(parts, rest...)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// round shortens a duration for people.
func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}
