package metrics

import (
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/postgres/postgrestest"
	"newshub/internal/testutil"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestAnOutageOfTheStoreIsLoggedOnce scrapes the metrics of a hub on
// PostgreSQL whose server drops off the network and comes back: each
// scrape meanwhile says the store is down, and the log says so once,
// where each scrape logged a warning; once it is back, one line says the
// outage is over.
func TestAnOutageOfTheStoreIsLoggedOnce(t *testing.T) {
	st, link := postgrestest.Linked(t)
	var logged testutil.LogBuffer
	m := New(Options{Store: st, NoRuntime: true, Log: slog.New(slog.NewTextHandler(&logged, nil))})

	link.Cut()
	for range 3 {
		if up, ok := gather(t, m).Value(nameStoreUp); !ok || up != 0 {
			t.Errorf("%s = %v with the database gone, want 0", nameStoreUp, up)
		}
	}
	if lines := regexp.MustCompile(`(?m)^.*level=(WARN|ERROR).*$`).FindAllString(logged.String(), -1); len(lines) != 1 {
		t.Errorf("the outage logged %d lines, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}

	link.Mend(t)
	if up, _ := gather(t, m).Value(nameStoreUp); up != 1 {
		t.Errorf("%s = %v once the database is back, want 1", nameStoreUp, up)
	}
	if n := strings.Count(logged.String(), "the store answers again"); n != 1 {
		t.Errorf("the outage's end logged %d times, want 1:\n%s", n, logged.String())
	}
}
