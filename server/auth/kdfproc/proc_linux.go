package kdfproc

import "syscall"

// sysProcAttr has the kernel kill a child when its parent dies, even by
// SIGKILL; the pipe's end (the child's input closing) would end it too,
// but only once it reads again.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
