package publish

import (
	"testing"

	"newshub/internal/store/postgres/pgtest"
)

// TestMain stops the PostgreSQL server the tests started, if any.
func TestMain(m *testing.M) { pgtest.Main(m) }
