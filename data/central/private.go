package central

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// private creates the database file at path with mode 0600 if it does not
// exist, and takes the group's and others' permissions from it and from
// its -wal and -shm files if they have any.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			if err := os.Chmod(name, perm&^0o077); err != nil {
				return fmt.Errorf("cannot make it private: %w", err)
			}
		}
	}
	return nil
}
