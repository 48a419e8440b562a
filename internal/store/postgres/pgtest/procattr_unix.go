//go:build unix && !linux

package pgtest

import "syscall"

// procAttr runs a process as a (nil: as this process does). Only Linux can
// stop the server when the test process dies, so here dieWithParent is not
// honoured and a crashed run can leave a server behind.
func procAttr(a *account, dieWithParent bool) *syscall.SysProcAttr {
	if a == nil {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid)}}
}
