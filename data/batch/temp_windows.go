package batch

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffsetHigh places the one byte that locks a temporary file at 2^62,
// far beyond its end: Windows locks are mandatory, and a lock on the data
// would stop other handles from reading it.
const lockOffsetHigh = 1 << 30

// lockTemp takes the exclusive LockFileEx lock on a decrypted temporary
// file, waiting if [RemoveStale] holds it for a moment.
func lockTemp(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: lockOffsetHigh}
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ol)
}

// tryLockTemp takes the exclusive lock on f without waiting; held reports
// that another open handle holds it.
func tryLockTemp(f *os.File) (held bool, err error) {
	ol := windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return true, nil
	}
	return false, err
}

// openTemp opens a temporary file [RemoveStale] found. The caller has
// checked with os.Lstat that it is a regular file, and checks again,
// after the lock, that it is still the same file.
func openTemp(name string) (*os.File, error) { return os.Open(name) }

// isLink reports whether err is openTemp's refusal of a symbolic link;
// openTemp refuses none on Windows.
func isLink(error) bool { return false }

// removeLocked removes name, the file f that the caller holds locked.
// Windows removes no file that is open, so f is closed first; a file that
// another handle still has open (a [Read] that made it and has not yet
// taken its lock) is then refused with a sharing violation, and left.
func removeLocked(f *os.File, name string) (bool, error) {
	f.Close()
	err := os.Remove(name)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case errors.Is(err, windows.ERROR_SHARING_VIOLATION), errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return false, nil // in use
	}
	return false, err
}
