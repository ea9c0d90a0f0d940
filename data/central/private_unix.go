//go:build unix

package central

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// restrict takes the group's and others' permissions from the database
// file at path and from its -wal and -shm files if they have any.
func restrict(path string) error {
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
