package central

// restrict leaves the database file as it is on Windows, where a file has
// no Unix mode (Go's os.Chmod only sets or clears its read-only flag): the
// file takes the access list of its folder, which in the analyst's own
// profile (Documents, Desktop) is the analyst's, the administrators' and
// the system's alone. A folder shared with others gives them the
// database; giving the file an access list of its own is left to do.
func restrict(string) error { return nil }
