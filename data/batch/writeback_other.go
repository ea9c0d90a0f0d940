//go:build !linux

package batch

// startWriteback does nothing where sync_file_range is not available: the
// sync at the end writes everything.
func startWriteback(fd uintptr, off, n int64) {}
