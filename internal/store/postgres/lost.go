package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"newshub/internal/store"
)

// ErrConnLost is in the chain of an error of the store's when the
// connection to the database was lost, whatever form the driver or the
// server gave it: a server restarted or stopped, one not yet taking
// connections, a network gone. The driver's words for it ("unexpected
// EOF", "conn closed", "terminating connection due to administrator
// command") do not name the database, and an operator reading a round's
// error could not tell a restart from a bug. store.ErrUnavailable is in
// the chain too.
var ErrConnLost = errors.New("the connection to the PostgreSQL database was lost (server restarted or unreachable)")

// lostError is the driver's error of a lost connection, saying so.
type lostError struct{ err error }

func (e *lostError) Error() string { return ErrConnLost.Error() + ": " + e.err.Error() }

func (e *lostError) Unwrap() error { return e.err }

func (e *lostError) Is(target error) bool {
	return target == ErrConnLost || target == store.ErrUnavailable
}

// lost says so when err is a lost connection, once however often it is
// wrapped on its way out; other errors are returned as they are.
func lost(err error) error {
	var le *lostError
	if !connLost(err) || errors.As(err, &le) {
		return err
	}
	return &lostError{err}
}

// connLost reports whether err is a connection to the server lost or
// refused, rather than an error of a statement or a context ended.
func connLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return lostCode(pgErr.Code)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false // context.DeadlineExceeded is a net.Error too
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// lostCode reports whether a SQLSTATE says the session ended or could
// not begin: class 08 (connection exception), 57P01 (an administrator's
// shutdown or pg_terminate_backend), 57P02 (a crash of another server
// process), 57P03 (the server starting or stopping).
func lostCode(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03":
		return true
	}
	return strings.HasPrefix(code, "08")
}
