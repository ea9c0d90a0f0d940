package batch

import "syscall"

// startWriteback starts writing the file's dirty pages in [off, off+n) to
// the disk without waiting for them (sync_file_range, SYNC_FILE_RANGE_WRITE).
func startWriteback(fd uintptr, off, n int64) {
	const syncFileRangeWrite = 2
	syscall.SyncFileRange(int(fd), off, n, syncFileRangeWrite) // a hint: errors show in the sync
}
