package central

import "os"

// private creates the database file at path with mode 0600 if it does not
// exist, and makes it and its -wal and -shm files the analyst's alone as
// far as the system allows ([restrict]).
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	return restrict(path)
}
