//go:build !linux

package batch

// renameNoReplace is not offered outside Linux here: [RenameNoReplace]
// goes on to a hard link (on Windows CreateHardLink, on macOS and the BSDs
// link(2), both of which refuse an existing name), then to a check and a
// rename.
func renameNoReplace(from, to string) error { return errNoRenameNoReplace }
