package pgtest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Link passes a store's TCP connections on to the server, until a test
// cuts it, which drops them all and refuses new ones, as when the
// database host drops off the network, and mends it, which takes them
// again at the same address.
type Link struct {
	// DSN is the address of the database through the link.
	DSN string

	to    string
	addr  string
	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

// Forward returns a link to the database dsn names (one of DSN's or
// Copy's). It is cut when t ends.
func Forward(t testing.TB, dsn string) *Link {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	l := &Link{to: u.Host}
	l.listen(t, "127.0.0.1:0")
	l.addr = l.ln.Addr().String()
	u.Host = l.addr
	l.DSN = u.String()
	t.Cleanup(l.Cut)
	return l
}

func (l *Link) listen(t testing.TB, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("pgtest: link: %v", err)
	}
	l.mu.Lock()
	l.ln = ln
	l.mu.Unlock()
	go l.accept(ln)
}

func (l *Link) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", l.to)
		if err != nil {
			c.Close()
			continue
		}
		l.mu.Lock()
		l.conns = append(l.conns, c, s)
		l.mu.Unlock()
		go func() { io.Copy(s, c); s.Close() }()
		go func() { io.Copy(c, s); c.Close() }()
	}
}

// Cut drops the connections through the link and refuses new ones.
func (l *Link) Cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ln.Close()
	for _, c := range l.conns {
		c.Close()
	}
	l.conns = nil
}

// Mend takes connections again, at the address the link had.
func (l *Link) Mend(t testing.TB) {
	t.Helper()
	l.listen(t, l.addr)
}
