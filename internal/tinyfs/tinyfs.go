//go:build linux

// Package tinyfs gives tests a real, small file system that fills up: a
// tmpfs of a chosen size mounted on a temporary folder. Writes beyond its
// size fail in the kernel with ENOSPC, exactly as on a full disk or a full
// USB stick, so code under test meets the real error through the real
// system calls rather than through a fake writer.
//
// Mounting needs root (or CAP_SYS_ADMIN). Where the test cannot mount, New
// skips the test and says why; .ci/run and `make test` run as root.
package tinyfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// New mounts a tmpfs of size bytes (rounded up by the kernel to whole
// pages) on a new temporary folder and returns the folder. The file system
// is unmounted when the test ends, after the test's own clean-ups that were
// registered later (such as closing a store kept in it).
func New(t testing.TB, size int64) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			t.Skipf("cannot mount a small file system here (%v): run as root", err)
		}
		t.Fatalf("mounting a %d-byte tmpfs: %v", size, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return dir
}

// Fill writes a file named name in dir until the file system has no room
// left, then returns the number of bytes written. It fails the test if the
// write stops for any reason but ENOSPC. Remove the file to give the room
// back.
func Fill(t testing.TB, dir, name string) int64 {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total int64
	// Big writes first, then smaller ones to take the last partial pages.
	for _, chunk := range []int{1 << 16, 4096, 512, 1} {
		buf := make([]byte, chunk)
		for {
			n, err := f.Write(buf)
			total += int64(n)
			if err == nil {
				continue
			}
			if !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, io.ErrShortWrite) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			break
		}
	}
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.ENOSPC) {
		t.Fatal(err)
	}
	return total
}
