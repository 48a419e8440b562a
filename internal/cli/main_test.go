package cli

import (
	"flag"
	"testing"

	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/testutil"
)

// parallelTests is how many tests marked parallel run at once unless
// -parallel says: they spend most of their time waiting (on a pin's end,
// slow feeds, servers following a write), so more of them than the
// machine has cores (go test's default) fit beside each other.
const parallelTests = "4"

// TestMain stops the PostgreSQL server the tests may have started and
// removes the binary and the sites they share.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", parallelTests)
	}
	pgtest.Main(m, testutil.RemoveBinary, removeSharedSites)
}
