//go:build unix

package batch

import (
	"errors"
	"os"
	"syscall"
)

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems cannot sync a folder; the rename is as safe as
	// they allow then.
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// diskFull reports whether err is a full disk in the system's own words
// beyond ENOSPC, EDQUOT and EFBIG; Unix has none.
func diskFull(error) bool { return false }

// readOnly reports whether err is a disk that refuses writes in the
// system's own words beyond EACCES, EPERM and EROFS; Unix has none.
func readOnly(error) bool { return false }
