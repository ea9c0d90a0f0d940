package batch

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// refusing makes the file system refuse the first steps of
// RenameNoReplace for the rest of the test: "rename" uses the atomic
// rename, "link" a file system without it (renameat2 gives EINVAL, as
// FUSE file systems such as ntfs-3g do), "check" one with neither (link
// gives EPERM, as vfat does).
func refusing(t *testing.T, mode string) {
	oldRename, oldLink := renameExclusive, link
	t.Cleanup(func() { renameExclusive, link = oldRename, oldLink })
	linked := false
	if mode != "rename" {
		renameExclusive = func(string, string) error { return syscall.EINVAL }
	}
	if mode == "check" {
		link = func(from, to string) error { return &os.LinkError{Op: "link", Old: from, New: to, Err: syscall.EPERM} }
	} else {
		link = func(from, to string) error { linked = true; return os.Link(from, to) }
	}
	t.Cleanup(func() {
		if linked != (mode == "link") {
			t.Errorf("%s: hard link used %v", mode, linked)
		}
	})
}

// TestRenameNoReplaceOnEveryKindOfFileSystem: whichever step the file
// system allows, RenameNoReplace moves a file to a free name, and refuses
// a taken one with fs.ErrExist, leaving both files as they were.
func TestRenameNoReplaceOnEveryKindOfFileSystem(t *testing.T) {
	for _, mode := range []string{"rename", "link", "check"} {
		t.Run(mode, func(t *testing.T) {
			refusing(t, mode)
			dir := t.TempDir()
			from, to := filepath.Join(dir, "tmp"), filepath.Join(dir, "name")
			os.WriteFile(from, []byte("ours"), 0o600)
			if err := RenameNoReplace(from, to); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(to); string(b) != "ours" {
				t.Errorf("the new name holds %q", b)
			}
			if _, err := os.Lstat(from); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the old name is still there: %v", err)
			}
			os.WriteFile(from, []byte("another"), 0o600)
			err := RenameNoReplace(from, to)
			if !errors.Is(err, fs.ErrExist) {
				t.Errorf("rename onto a taken name = %v, want fs.ErrExist", err)
			}
			if b, _ := os.ReadFile(to); string(b) != "ours" {
				t.Errorf("the taken name now holds %q", b)
			}
			if b, _ := os.ReadFile(from); string(b) != "another" {
				t.Errorf("the file to be renamed now holds %q", b)
			}
		})
	}
}

// TestWriteFileDoesNotReplaceAFileThatAppears: a file that appears under
// the name while WriteFile writes (after its first look) is not replaced,
// whether the file system has the atomic rename or only hard links; the
// temporary file is gone and the error says what to do.
func TestWriteFileDoesNotReplaceAFileThatAppears(t *testing.T) {
	for _, mode := range []string{"rename", "link"} {
		t.Run(mode, func(t *testing.T) {
			refusing(t, mode)
			dir := t.TempDir()
			final := filepath.Join(dir, "batch")
			var sums []Sums
			_, err := WriteFile(dir, "batch", FileOptions{BeforeRename: func(s Sums) error {
				sums = append(sums, s)
				return os.WriteFile(final, []byte("theirs"), 0o600) // just before the rename
			}}, func(w io.Writer) error { _, err := io.WriteString(w, "ours"); return err })
			if !errors.Is(err, ErrExists) {
				t.Errorf("WriteFile = %v, want ErrExists", err)
			}
			if b, _ := os.ReadFile(final); string(b) != "theirs" {
				t.Errorf("the other file now holds %q", b)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("the folder holds %d files, want the other one only", len(ents))
			}
			if len(sums) != 1 || sums[0].Bytes != 4 || len(sums[0].CRC32C) != 1 {
				t.Errorf("BeforeRename saw %+v", sums)
			}
		})
	}
}

// TestMatchesKnowsTheFileFromItsSums: Matches takes the file WriteFile
// wrote, by the sums it handed to BeforeRename, and no other.
func TestMatchesKnowsTheFileFromItsSums(t *testing.T) {
	dir := t.TempDir()
	var sums Sums
	w, err := WriteFile(dir, "batch", FileOptions{BeforeRename: func(s Sums) error { sums = s; return nil }},
		func(w io.Writer) error { _, err := io.WriteString(w, "ours, all of it"); return err })
	if err != nil {
		t.Fatal(err)
	}
	if !Matches(w.Path, sums) {
		t.Error("the file written does not match its own sums")
	}
	for _, other := range []string{"ours, all of iT", "ours, all of it!", "ours"} {
		os.WriteFile(w.Path, []byte(other), 0o600)
		if Matches(w.Path, sums) {
			t.Errorf("%q matches the sums of what was written", other)
		}
	}
	if Matches(filepath.Join(dir, "missing"), sums) {
		t.Error("a missing file matches")
	}
}
