//go:build cgo

package central

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// sqliteUnique reports whether err is SQLite's broken UNIQUE or PRIMARY
// KEY constraint, by its extended result code.
func sqliteUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) &&
		(se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}
