//go:build !linux

package postgres

import "syscall"

// dialControl leaves connections as the system makes them: the option of
// userTimeout is Linux's.
var dialControl func(network, address string, c syscall.RawConn) error
