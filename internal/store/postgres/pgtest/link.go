package pgtest

import (
	"net"
	"net/url"
	"sync"
	"testing"
)

// Link passes a store's TCP connections on to the server, until a test
// cuts it, which drops them all and refuses new ones, as when the
// database host drops off the network, and mends it, which takes them
// again at the same address. A test may silence it too: see Silence.
type Link struct {
	// DSN is the address of the database through the link.
	DSN string

	to    string
	addr  string
	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
	quiet chan struct{} // closed by Silence
}

// Forward returns a link to the database dsn names (one of DSN's or
// Copy's). It is cut when t ends.
func Forward(t testing.TB, dsn string) *Link {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	l := &Link{to: u.Host, quiet: make(chan struct{})}
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
		quiet := l.quiet
		l.mu.Unlock()
		go pipe(s, c, quiet)
		go pipe(c, s, quiet)
	}
}

// pipe copies from src to dst until quiet is closed, after which what
// src sends is read and dropped; it closes dst when src ends.
func pipe(dst, src net.Conn, quiet <-chan struct{}) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-quiet:
			n = 0
		default:
		}
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Silence stops the connections made so far: they pass nothing more
// either way and stay open, as when a network between two machines goes
// without a word (a firewall that forgets them, a peer that vanished).
// Connections made after pass.
func (l *Link) Silence() {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.quiet)
	l.quiet = make(chan struct{})
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
