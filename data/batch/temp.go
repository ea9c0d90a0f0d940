package batch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// TempPattern names the decrypted temporary files [Read] makes, as
// [os.CreateTemp] and [filepath.Glob] take it.
const TempPattern = ".chorus-batch-*.tar"

// createTemp makes the private (0600) temporary file for the decrypted
// tar and locks it (flock, on Windows LockFileEx) for as long as it is
// open, which tells [RemoveStale] it is in use. The system drops the lock
// when the process ends, however it ends.
func createTemp(dir string) (*os.File, error) {
	for {
		f, err := os.CreateTemp(dir, TempPattern)
		if err != nil {
			return nil, err
		}
		if err := lockTemp(f); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		// RemoveStale may have removed the file between its making and
		// the lock; then make another.
		st, err := f.Stat()
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		if now, err := os.Lstat(f.Name()); err == nil && os.SameFile(st, now) {
			return f, nil
		}
		f.Close()
	}
}

// RemoveStale removes from dir the decrypted temporary files that [Read]
// left there when its process was killed before [Batch.Close]: files named
// like [TempPattern] that no open Batch, in this process or another, holds
// locked. It returns the paths it removed.
func RemoveStale(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, TempPattern))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, name := range names {
		ok, err := removeUnlocked(name)
		if err != nil {
			return removed, err
		}
		if ok {
			removed = append(removed, name)
		}
	}
	return removed, nil
}

// removeUnlocked removes the regular file at name unless another open file
// holds a lock on it.
func removeUnlocked(name string) (bool, error) {
	if st, err := os.Lstat(name); err != nil || !st.Mode().IsRegular() {
		return false, nil // gone meanwhile, or not one of Read's files
	}
	f, err := openTemp(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isLink(err) {
			return false, nil
		}
		return false, err
	}
	defer f.Close()
	if held, err := tryLockTemp(f); err != nil {
		return false, &os.PathError{Op: "lock", Path: name, Err: err}
	} else if held {
		return false, nil // a batch being read
	}
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if now, err := os.Lstat(name); err != nil || !os.SameFile(st, now) || !st.Mode().IsRegular() {
		return false, nil
	}
	return removeLocked(f, name)
}
