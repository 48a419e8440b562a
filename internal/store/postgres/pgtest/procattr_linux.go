package pgtest

import "syscall"

// procAttr runs a process as a (nil: as this process does); with
// dieWithParent the kernel sends it SIGQUIT (PostgreSQL's immediate
// shutdown) when the thread that started it exits.
func procAttr(a *account, dieWithParent bool) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{}
	if a != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(a.uid), Gid: uint32(a.gid)}
	}
	if dieWithParent {
		attr.Pdeathsig = syscall.SIGQUIT
	}
	return attr
}
