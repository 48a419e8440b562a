package postgres

import (
	"context"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/storetest"
)

// proxy forwards TCP connections to a server until silenced: then the
// connections it holds pass nothing more either way and stay open, as
// when a network between two machines goes without a word (a firewall
// that forgets them, a peer that vanished). Connections made after pass.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	quiet  chan struct{} // closed by silence
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, quiet: make(chan struct{})}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
	})
	return p
}

// cut closes every connection the proxy holds.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		quiet := p.quiet
		p.mu.Unlock()
		go pipe(s, c, quiet)
		go pipe(c, s, quiet)
	}
}

// pipe copies from src to dst until quiet is closed, after which what
// src sends is read and dropped.
func pipe(dst, src net.Conn, quiet <-chan struct{}) {
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

// silence stops the connections made so far; later ones pass.
func (p *proxy) silence() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.quiet)
	p.quiet = make(chan struct{})
}

// TestWatchReconnectsAfterASilentNetworkLoss loses the watch's connection
// without a word: a watcher must find out by itself, connect again and
// hear of the writes, rather than wait for ever on a connection that
// will never answer.
func TestWatchReconnectsAfterASilentNetworkLoss(t *testing.T) {
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	writer, watcher := openDSN(t, dsn), openDSN(t, u.String())
	defer writer.Close()
	defer watcher.Close()
	watcher.watch = watchTimes{ping: 200 * time.Millisecond, answer: 500 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := watcher.Watch(ctx)
	last := storetest.NextGeneration(t, ch, -1, 30*time.Second)

	p.silence()
	rec := &model.Record{Path: "_people/p.md", Kind: model.KindPerson, Raw: []byte("---\nname: P\n---\n"), Person: &model.Person{Name: "P"}}
	if err := writer.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	want, err := writer.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for last != want {
		last = storetest.NextGeneration(t, ch, last, 30*time.Second)
	}
}

// TestReadsGoOnAfterASilentNetworkLoss loses the connections of a store's
// pool without a word, as a fail-over to another server or a firewall
// forgetting them does: a read must give up the dead connections and
// make new ones, rather than wait for an answer that never comes (a
// quarter of an hour, by the system's resending), which left serve's
// view and ingest's rounds stalled as long.
func TestReadsGoOnAfterASilentNetworkLoss(t *testing.T) {
	// Each dead connection is given up after the ping timeout: shorter
	// here, or the reads wait it out once per connection of the pool.
	defer func(d time.Duration) { pingTimeout = d }(pingTimeout)
	pingTimeout = 300 * time.Millisecond
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	st := openDSN(t, u.String())
	// The connections lost are cut before the store closes: closing waits
	// up to 15 s for a silent one to end (pgx's pool).
	defer func() {
		p.cut()
		st.Close()
	}()
	ctx := context.Background()
	// Connections in the pool, quiet long enough to be checked before use.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if _, err := st.pool.Exec(ctx, `SELECT pg_sleep(0.2)`); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	time.Sleep(1500 * time.Millisecond)

	p.silence()
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for i := range 3 {
		if _, err := st.Generation(rctx); err != nil {
			t.Fatalf("read %d after the network was lost: %v", i, err)
		}
	}
}
