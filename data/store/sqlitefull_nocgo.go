//go:build !cgo

package store

// sqliteFull: without cgo there is no SQLite (go-sqlite3 needs it), so no
// SQLite error either. This file lets the package build for vet.
func sqliteFull(error) bool { return false }
