//go:build linux

package app

import (
	"os"
	"path/filepath"
	"testing"

	"chorus/internal/tinyfs"
)

// TestFileSystemFullKeepsAnswersAndSavesOnce: the data folder is on a real
// 3 MiB file system. A filler file takes all the free room, other people's
// responses use up what is left until a save fails in the kernel with
// ENOSPC; then the participant's Send is refused with the plain message and
// their answers stay on screen. Deleting the filler gives the room back and
// the same Send saves them exactly once.
func TestFileSystemFullKeepsAnswersAndSavesOnce(t *testing.T) {
	dir := tinyfs.New(t, 3<<20)
	r := newRigIn(t, dir, "../data/survey/testdata/alltypes.json")
	filler := filepath.Join(dir, "filler")
	checkFullDiskKeepsAnswers(t, r, func() {
		n := tinyfs.Fill(t, dir, "filler")
		t.Logf("filler took the last %d bytes", n)
	}, func() {
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
	})
}
