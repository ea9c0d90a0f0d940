package batch

import "golang.org/x/sys/unix"

// renameNoReplace is renamex_np(2) with RENAME_EXCL, which APFS and HFS+
// take; other file systems answer ENOTSUP and [RenameNoReplace] goes on to
// a hard link.
func renameNoReplace(from, to string) error {
	return unix.RenamexNp(from, to, unix.RENAME_EXCL)
}
