//go:build unix

package batch

import (
	"errors"
	"os"
	"syscall"
)

// lockTemp takes the exclusive flock on a decrypted temporary file,
// waiting if [RemoveStale] holds it for a moment.
func lockTemp(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
}

// tryLockTemp takes the exclusive flock on f without waiting; held
// reports that another open file holds it.
func tryLockTemp(f *os.File) (held bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

// openTemp opens a temporary file [RemoveStale] found, never through a
// symbolic link and without waiting on a FIFO.
func openTemp(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

// isLink reports whether err is openTemp's refusal of a symbolic link.
func isLink(err error) bool { return errors.Is(err, syscall.ELOOP) }

// removeLocked removes name, the file f that the caller holds locked. It
// is removed while the lock is still held, so a [Read] that was waiting for
// the lock finds its file gone and makes another.
func removeLocked(f *os.File, name string) (bool, error) {
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	return true, nil
}
