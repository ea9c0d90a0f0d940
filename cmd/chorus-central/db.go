package main

import (
	"errors"
	"flag"
	"io/fs"
	"net/url"
	"os"

	"chorus/data/central"
)

// dbEnv names the analyst database when --db is not given.
const dbEnv = "CHORUS_CENTRAL_DB"

// dbFlag is the --db flag every command on the analyst database takes: a
// SQLite file (the default kind) or a postgres:// URL, $CHORUS_CENTRAL_DB
// when not given.
func dbFlag(fset *flag.FlagSet) *string {
	return fset.String("db", os.Getenv(dbEnv), "analyst database: a SQLite file or a postgres:// URL (default $"+dbEnv+")")
}

// shown is db as messages may print it: a URL without its password.
func shown(db string) string {
	if !central.IsPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "the PostgreSQL URL"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// missing reports whether db is a SQLite file that does not exist; a
// PostgreSQL database is the server's to know.
func missing(db string) bool {
	if central.IsPostgres(db) {
		return false
	}
	_, err := os.Stat(db)
	return errors.Is(err, fs.ErrNotExist)
}
