//go:build !linux && !windows && !darwin

package batch

// renameNoReplace is not offered here: [RenameNoReplace] goes on to a
// hard link (link(2), which refuses an existing name), then to a check and
// a rename.
func renameNoReplace(from, to string) error { return errNoRenameNoReplace }
