//go:build unix

package store_test

import "syscall"

// syncDisks puts every earlier write on the disk (sync(2)), so that none
// is still on its way while a benchmark times its own.
func syncDisks() { syscall.Sync() }
