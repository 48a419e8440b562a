package server

import (
	"context"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// forwarder passes TCP connections on to a server until it is closed,
// which drops them all: a database host gone from the network.
type forwarder struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func forward(t testing.TB, to string) *forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &forwarder{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, c, s)
			f.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	t.Cleanup(f.close)
	return f
}

func (f *forwarder) close() {
	f.ln.Close()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		c.Close()
	}
}

// TestReadyzTellsNoSecrets serves a hub on PostgreSQL whose server then
// drops off the network: the public /readyz says the store is not ready,
// and nothing of the database's user, name or address, which its driver's
// error names and which are no business of the site's readers.
func TestReadyzTellsNoSecrets(t *testing.T) {
	dsn, err := url.Parse(pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	fw := forward(t, dsn.Host)
	dsn.Host = fw.ln.Addr().String()
	st, err := postgres.Open(context.Background(), dsn.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Upsert(context.Background(), readSite(t, "testdata/probe/hub")); err != nil {
		t.Fatal(err)
	}
	_, ts := hubServer(t, st)
	if resp, body := get(t, ts.URL+"/readyz", nil); resp.StatusCode != 200 {
		t.Fatalf("readyz: %s %s", resp.Status, body)
	}
	fw.close()
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
