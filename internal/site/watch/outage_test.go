package watch

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/postgres/postgrestest"
	"newshub/internal/testutil"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestAnOutageOfTheStoreIsLoggedOnce reads the site folder of a hub on
// PostgreSQL again while its server is off the network, as each poll
// does: the log says the store is out once, where each read logged an
// error (every Poll, for as long as the outage lasted), and once it is
// back, one line says the outage is over.
func TestAnOutageOfTheStoreIsLoggedOnce(t *testing.T) {
	st, link := postgrestest.Linked(t)
	ctx := context.Background()
	var logged testutil.LogBuffer
	w, err := New(ctx, newSite(t), st, slog.New(slog.NewTextHandler(&logged, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}

	link.Cut()
	for range 3 {
		w.Sync(ctx)
	}
	if lines := regexp.MustCompile(`(?m)^.*level=(WARN|ERROR).*$`).FindAllString(logged.String(), -1); len(lines) != 1 {
		t.Errorf("the outage logged %d lines, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}

	link.Mend(t)
	w.Sync(ctx)
	if n := strings.Count(logged.String(), "the store answers again"); n != 1 {
		t.Errorf("the outage's end logged %d times, want 1:\n%s", n, logged.String())
	}
}
