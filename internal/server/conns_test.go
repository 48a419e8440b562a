package server

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"newshub/internal/testutil"
)

// TestSlowClientsAreCutOff opens a thousand connections of clients that
// hold them without getting anywhere: one that sends nothing, one that
// sends its headers a line at a time and never ends them (slowloris),
// one that never sends the body it announced, one that keeps its
// connection idle after an answer, and one that reads the answers to
// the requests it sent far more slowly than they come. The server keeps
// answering others meanwhile, and closes each of these, which leaves it
// with the goroutines it had before and no files but the clients' own.
// The server's timeouts are a hundredth of those it serves with: one
// left out stays none, and its clients are never cut off.
func TestSlowClientsAreCutOff(t *testing.T) {
	st := genStore(t, 30)
	srv := NewHTTPServer(New(Config{Store: st, Now: clock}), slog.New(slog.DiscardHandler))
	for _, d := range []*time.Duration{&srv.ReadHeaderTimeout, &srv.ReadTimeout, &srv.WriteTimeout, &srv.IdleTimeout} {
		*d /= 100
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	// A client that asks in time is answered. On a loaded machine one
	// request may outlast timeouts a hundredth of the real ones, so it
	// asks up to three times; a server the slow clients hold answers none.
	answers := func() {
		t.Helper()
		var err error
		for range 3 {
			if err = askInTime("http://" + ln.Addr().String() + "/api/news/"); err == nil {
				return
			}
			t.Logf("a client that asks in time: %v", err)
		}
		t.Fatalf("a client that asks in time, three times: %v", err)
	}
	answers() // the view loaded
	baseG, baseF := testutil.SettledGoroutines(0), testutil.OpenFiles(t)

	clients := []struct {
		name string
		n    int
		send func(c net.Conn) error
	}{
		{"silent", 250, func(net.Conn) error { return nil }},
		{"slowloris", 250, func(c net.Conn) error {
			_, err := io.WriteString(c, "GET /api/news/ HTTP/1.1\r\nHost: hub\r\n")
			go func() {
				// A header line now and then, until the server hangs up.
				for {
					time.Sleep(20 * time.Millisecond)
					if _, err := io.WriteString(c, "X-Wait: still\r\n"); err != nil {
						return
					}
				}
			}()
			return err
		}},
		{"body never sent", 250, func(c net.Conn) error {
			_, err := io.WriteString(c, "POST /api/news/ HTTP/1.1\r\nHost: hub\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nten bytes.")
			return err
		}},
		{"idle after an answer", 245, func(c net.Conn) error {
			if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n"); err != nil {
				return err
			}
			_, err := c.Read(make([]byte, 4096))
			return err
		}},
		{"slow reader", 5, func(c net.Conn) error {
			// Megabytes of answers through a window of a few bytes:
			// the server's writes wait.
			c.(*net.TCPConn).SetReadBuffer(1024)
			_, err := io.WriteString(c, strings.Repeat("GET /api/news/ HTTP/1.1\r\nHost: hub\r\n\r\n", 400))
			return err
		}},
	}
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for _, cl := range clients {
		for range cl.n {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatalf("%s: %v", cl.name, err)
			}
			conns = append(conns, c)
			if err := cl.send(c); err != nil {
				t.Fatalf("%s: %v", cl.name, err)
			}
		}
	}
	answers()
	// The server's side of each connection ends: its goroutine, and its
	// file, which leaves the clients' own open. A connection never
	// closed keeps them until this deadline.
	deadline := time.Now().Add(20 * time.Second)
	g, f := runtime.NumGoroutine(), testutil.OpenFiles(t)
	for (g > baseG+3 || f > baseF+len(conns)+3) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		g, f = runtime.NumGoroutine(), testutil.OpenFiles(t)
	}
	if g > baseG+3 || f > baseF+len(conns)+3 {
		t.Errorf("%d goroutines and %d files open with %d clients cut off, %d and %d before they came", g, f, len(conns), baseG, baseF)
	}
}

// askInTime gets url on a connection of its own and reads the answer.
func askInTime(url string) error {
	defer http.DefaultClient.CloseIdleConnections()
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	return nil
}
