//go:build !cgo

package central

// sqliteUnique: without cgo there is no SQLite (go-sqlite3 needs it), so
// no SQLite error either. This file lets the package build for vet.
func sqliteUnique(error) bool { return false }
