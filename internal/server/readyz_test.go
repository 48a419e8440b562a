package server

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"

	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/postgres/postgrestest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestReadyzTellsNoSecrets serves a hub on PostgreSQL whose server then
// drops off the network: the public /readyz says the store is not ready,
// and nothing of the database's user, name or address, which its driver's
// error names and which are no business of the site's readers.
func TestReadyzTellsNoSecrets(t *testing.T) {
	st, link := postgrestest.Linked(t)
	dsn, err := url.Parse(link.DSN)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(context.Background(), readSite(t, "testdata/probe/hub")); err != nil {
		t.Fatal(err)
	}
	_, ts := hubServer(t, st)
	if resp, body := get(t, ts.URL+"/readyz", nil); resp.StatusCode != 200 {
		t.Fatalf("readyz: %s %s", resp.Status, body)
	}
	link.Cut()
	// The first answer finds the pool's connection cut, the next ones
	// try to connect anew.
	_, port, _ := net.SplitHostPort(dsn.Host)
	for range 3 {
		resp, body := get(t, ts.URL+"/readyz", nil)
		if resp.StatusCode != 503 || !strings.Contains(string(body), "store") {
			t.Errorf("readyz with the database gone: %s %q", resp.Status, body)
		}
		for _, secret := range []string{dsn.User.Username(), strings.TrimPrefix(dsn.Path, "/"), port} {
			if strings.Contains(string(body), secret) {
				t.Errorf("readyz tells %q: %q", secret, body)
			}
		}
	}
}
