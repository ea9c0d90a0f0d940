// Package sqliteuri turns a database file's path, on any system, into the
// SQLite URI that opens it ("file:///home/ana/chorus.db",
// "file:///C:/Users/Ana/chorus.db"), the form the device's store and the
// analyst's database both open with their query parameters after it.
//
// A path given to SQLite as it is goes wrong in two ways: a relative one
// ("demo/chorus.db") reads as a URI authority ("file://demo/chorus.db") and
// a Windows one keeps its drive letter and backslashes ("invalid uri
// authority: C:%5Cdev%5Cchorus.db"). [File] makes the path absolute, turns
// backslashes into slashes, puts a "/" before a drive letter (as SQLite's
// URI rules ask: https://sqlite.org/uri.html) and percent-encodes every
// byte that is not a letter, a digit, "-", ".", "_", "~", "/" or ":", so
// "?", "#" and "%" in a folder's name stay part of the path.
package sqliteuri

import (
	"os"
	"path/filepath"
	"strings"
)

// File returns the SQLite URI of the database file at path, which is
// made absolute first. Query parameters ("?mode=ro") may follow it.
func File(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return fromPath(path, os.PathSeparator == '\\')
}

// fromPath is the URI of path, an absolute path as the system writes it:
// with backslashes, a drive letter ("C:\dev\chorus.db") or a server's
// share ("\\server\share\chorus.db") where windows is true. A path that
// is still relative (filepath.Abs failed) stays relative: "file:" and the
// path, which SQLite takes from the working folder.
func fromPath(path string, windows bool) string {
	if windows {
		path = strings.ReplaceAll(path, `\`, "/")
		if len(path) >= 2 && path[1] == ':' && isLetter(path[0]) {
			path = "/" + path
		}
	}
	if strings.HasPrefix(path, "/") {
		// An empty authority, then the path: "file:///tmp/x",
		// "file:///C:/x", "file:////server/share/x".
		return "file://" + escape(path)
	}
	return "file:" + escape(path)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// escape percent-encodes each byte of p but letters, digits and "-._~/:".
func escape(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if isLetter(c) || '0' <= c && c <= '9' || strings.IndexByte("-._~/:", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
