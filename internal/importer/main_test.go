package importer

import (
	"testing"

	"newshub/internal/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
