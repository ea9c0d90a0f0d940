package batch

import "golang.org/x/sys/windows"

// renameNoReplace is MoveFileEx without MOVEFILE_REPLACE_EXISTING, which
// refuses a name that is taken (ERROR_ALREADY_EXISTS, which errors.Is
// takes as fs.ErrExist), with MOVEFILE_WRITE_THROUGH so that the move is
// on the disk when it returns: Windows cannot sync a folder.
func renameNoReplace(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	return windows.MoveFileEx(f, t, windows.MOVEFILE_WRITE_THROUGH)
}
