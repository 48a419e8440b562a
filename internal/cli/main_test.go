package cli

import (
	"testing"

	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/testutil"
)

// TestMain stops the PostgreSQL server the tests may have started and
// removes the binary and the sites they share.
func TestMain(m *testing.M) { pgtest.Main(m, testutil.RemoveBinary, removeSharedSites) }
