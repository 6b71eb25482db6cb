//go:build !linux

package kdfproc

import "syscall"

// sysProcAttr is empty where there is no Pdeathsig: a child still ends
// when its input does, which the parent's death closes.
func sysProcAttr() *syscall.SysProcAttr { return nil }
