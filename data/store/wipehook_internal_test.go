package store

// SetWipePurged sets the hook [Store.Wipe] calls between closing the
// database and removing its files, for the tests of package store_test,
// and returns a function that clears it.
func SetWipePurged(f func(dir string)) func() {
	wipePurged = f
	return func() { wipePurged = nil }
}
