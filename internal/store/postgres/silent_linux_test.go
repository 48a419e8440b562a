package postgres

import (
	"context"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// TestConnectionsGiveUpOnAServerThatNoLongerAcknowledges checks what the
// system is told of the store's connections: to give one up when what it
// sent goes unacknowledged for a minute, as when the server's
// machine vanished (a fail-over, a network gone), rather than resend for
// a quarter of an hour while the query that sent it waits.
func TestConnectionsGiveUpOnAServerThatNoLongerAcknowledges(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	c, err := st.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	tc, ok := c.Conn().PgConn().Conn().(*net.TCPConn)
	if !ok {
		t.Fatalf("the connection is a %T, not TCP", c.Conn().PgConn().Conn())
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var (
		ms   int
		gerr error
	)
	if err := raw.Control(func(fd uintptr) { ms, gerr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT) }); err != nil || gerr != nil {
		t.Fatal(err, gerr)
	}
	if ms == 0 || ms > 60000 {
		t.Errorf("a connection gives up on unacknowledged data after %d ms (0: the system's quarter of an hour), want a minute at most", ms)
	}
}
