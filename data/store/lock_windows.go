package store

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockFolder takes an exclusive LockFileEx lock on the first byte of the
// data folder's lock file without waiting; held reports that another
// process (or another Open in this one) holds it. Windows drops the lock
// when the file is closed or the process ends, however it ends.
func lockFolder(f *os.File) (held bool, err error) {
	var ol windows.Overlapped
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	return false, err
}
