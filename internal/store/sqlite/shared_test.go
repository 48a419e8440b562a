package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestLeaseTakenBeforeTheClockWasSetBack has one handle lease a source and
// moves its expiry later, as the machine's clock running ahead and set
// back since would have left it: another handle's lease then takes it,
// where it waited hours. A lease longer than the asker's own, on the clock
// as it is, stays its holder's.
func TestLeaseTakenBeforeTheClockWasSetBack(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ttl   time.Duration // the first holder's
		ahead time.Duration // how far its clock ran ahead
		taken bool
	}{
		{"clock three hours ahead", time.Minute, 3 * time.Hour, true},
		{"clock a day ahead, lease of an hour", time.Hour, 24 * time.Hour, true},
		{"longer lease than the asker's", 10 * time.Minute, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "hub.db")
			a, b := openPath(t, path), openPath(t, path)
			defer a.Close()
			defer b.Close()
			const src = "https://example.com/feed.xml"
			if got, err := a.Lease(ctx, "a", tc.ttl, src); err != nil || len(got) != 1 {
				t.Fatalf("first lease = %v, %v", got, err)
			}
			if _, err := a.w.ExecContext(ctx, `UPDATE leases SET expires = expires + ?`, tc.ahead.Microseconds()); err != nil {
				t.Fatal(err)
			}
			got, err := b.Lease(ctx, "b", time.Minute, src)
			if err != nil {
				t.Fatal(err)
			}
			if taken := slices.Contains(got, src); taken != tc.taken {
				t.Errorf("a lease of %s taken %s ahead: taken by another = %v, want %v", tc.ttl, tc.ahead, taken, tc.taken)
			}
		})
	}
}
