//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockFolder takes the exclusive flock on the data folder's lock file
// without waiting; held reports that another process (or another Open in
// this one) holds it. The system drops the lock when the file is closed
// or the process ends, however it ends.
func lockFolder(f *os.File) (held bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}
