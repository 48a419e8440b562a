//go:build !unix

package pgtest

import "syscall"

// procAttr is nil: these systems run the server as this process's user
// (a is nil, os.Geteuid being -1) and cannot stop it with the test process.
func procAttr(a *account, dieWithParent bool) *syscall.SysProcAttr { return nil }
