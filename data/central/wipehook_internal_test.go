package central

// SetWipePurged sets the hook [DB.Wipe] calls on SQLite between closing
// the database and removing its files, for the tests of package
// central_test, and returns a function that clears it.
func SetWipePurged(f func(path string)) func() {
	wipePurged = f
	return func() { wipePurged = nil }
}
