package store_test

// syncDisks does nothing on Windows, which has no call that flushes every
// disk: benchmarks there time earlier writes' flushing as well.
func syncDisks() {}
