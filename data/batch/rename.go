package batch

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// RenameNoReplace moves the file from to the name to, and fails with an
// error wrapping [fs.ErrExist] if something of that name is already
// there, which it never replaces. It tries, in turn:
//
//   - an atomic rename that refuses to replace: on Linux renameat2 with
//     RENAME_NOREPLACE, which ext4, btrfs, xfs, tmpfs, vfat and exfat
//     take; on Windows MoveFileEx without MOVEFILE_REPLACE_EXISTING; on
//     macOS renamex_np with RENAME_EXCL;
//   - where the file system does not offer that (an older kernel, some
//     FUSE file systems such as ntfs-3g): a hard link to the new name,
//     which is just as atomic and never replaces, then removing the old
//     name;
//   - where the file system has no hard links either (vfat and exfat
//     through FUSE, say): a check that the name is free, then a plain
//     rename. Only then is there a moment, between the check and the
//     rename, in which a file that appears could be replaced.
//
// On other systems the first step is left out.
func RenameNoReplace(from, to string) error {
	err := renameExclusive(from, to)
	if err == nil || !unsupported(err) {
		return renameError(from, to, err)
	}
	err = link(from, to)
	if err == nil {
		// Both names are the file now; a left-over temporary name is
		// harmless (the next export's check ignores it).
		os.Remove(from)
		return nil
	}
	if !unsupported(err) && !errors.Is(err, syscall.EPERM) && !errors.Is(err, syscall.EMLINK) {
		return renameError(from, to, err)
	}
	if _, err := os.Lstat(to); err == nil {
		return renameError(from, to, syscall.EEXIST)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return renameError(from, to, err)
	}
	return os.Rename(from, to)
}

// Hooks for tests, which make the file system refuse the first steps.
var (
	renameExclusive = renameNoReplace
	link            = os.Link
)

// unsupported reports whether err says that the file system (or the
// kernel) cannot do what was asked, rather than that it failed.
func unsupported(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSYS) ||
		errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, errNoRenameNoReplace)
}

// errNoRenameNoReplace is renameNoReplace's answer where the system has
// no such call.
var errNoRenameNoReplace = errors.New("no rename that refuses to replace on this system")

// renameError is err from moving from to to, as os.Rename gives it.
func renameError(from, to string, err error) error {
	if err == nil {
		return nil
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return err
	}
	return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
}
