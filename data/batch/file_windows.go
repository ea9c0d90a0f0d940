package batch

import (
	"errors"

	"golang.org/x/sys/windows"
)

// syncDir does nothing: Windows cannot flush a folder (FlushFileBuffers
// on a folder's handle answers "Access is denied"). [RenameNoReplace]
// moves the file with MOVEFILE_WRITE_THROUGH instead, so that the new
// name is on the disk when it returns.
func syncDir(string) error { return nil }

// diskFull reports whether err is Windows' own word for a full disk.
func diskFull(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}

// readOnly reports whether err is Windows' own word for a disk that
// refuses writes (a locked SD card or USB stick).
func readOnly(err error) bool { return errors.Is(err, windows.ERROR_WRITE_PROTECT) }
