package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"chorus/data/batch"
	"chorus/data/seal"
	"chorus/data/survey"
)

// OpenReadOnly opens the data folder dir for reading only, for
// `chorus status` while the window has the folder open. It does not take
// the folder's lock, makes nothing (a missing folder or database is an
// error), applies no migrations and cannot write: the connection is opened
// with SQLite's mode=ro and query_only. chorus.db is never changed; when
// no window has the folder open, SQLite makes the empty -wal and -shm files
// it reads a WAL database through, and they hold nothing. A folder whose schema is not the one
// this build knows is refused, since the queries would not fit it.
//
// The [Store] it returns answers queries only; any method that writes
// fails.
func OpenReadOnly(dir string) (*Store, error) {
	if _, err := os.Stat(filepath.Join(dir, DBName)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no Chorus data folder at %s", dir)
	} else if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", readDSN(dir)+"&_query_only=1")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, dir: dir, clock: time.Now}
	var have int
	if err := db.QueryRow(`SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot read %s: %w", filepath.Join(dir, DBName), err)
	}
	if known := SchemaVersion(); have != known {
		db.Close()
		if have > known {
			return nil, fmt.Errorf("this data folder was written by a newer Chorus (schema %d; this one knows %d): update Chorus", have, known)
		}
		return nil, fmt.Errorf("this data folder was written by an older Chorus (schema %d; this one knows %d): open it once in Chorus to update it", have, known)
	}
	return s, nil
}

// Status is what `chorus status` shows: nothing in it is an answer, a
// PIN or a private key.
type Status struct {
	DeviceName        string
	DeviceID          string
	DeviceFingerprint string // of the device's public signing key
	Demo              bool
	SurveyID          string
	SurveyVersion     int
	Languages         []string
	// AnalystKeys are the fingerprints of the analyst recipients new
	// responses are sealed to.
	AnalystKeys []string
	// Waiting is what the next export would carry (see [Store.Unexported]).
	Waiting batch.Counts
	// LastExport is the newest batch written; zero Seq when none was.
	LastExport BatchInfo
	// Batches is how many batches were written.
	Batches int
}

// Status reads the folder's state for `chorus status`.
func (s *Store) Status(ctx context.Context) (Status, error) {
	var st Status
	var pub []byte
	err := s.db.QueryRowContext(ctx, `SELECT device_id, name, public_key, demo FROM device WHERE id = 1`).
		Scan(&st.DeviceID, &st.DeviceName, &pub, &st.Demo)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNoDevice
	}
	if err != nil {
		return st, err
	}
	st.DeviceFingerprint = seal.Fingerprint(string(pub))
	rows, err := s.db.QueryContext(ctx, `SELECT fingerprint FROM recipients ORDER BY rowid`)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp); err != nil {
			rows.Close()
			return st, err
		}
		st.AnalystKeys = append(st.AnalystKeys, fp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	name, body, err := s.ActiveSurvey(ctx)
	if err != nil {
		return st, err
	}
	if body != nil {
		sv, err := survey.Parse(name, body)
		if err != nil {
			return st, err
		}
		st.SurveyID, st.SurveyVersion, st.Languages = sv.ID, sv.Version, sv.Languages
	}
	if st.Waiting, err = s.Unexported(ctx); err != nil {
		return st, err
	}
	bs, err := s.Batches(ctx)
	if err != nil {
		return st, err
	}
	for _, b := range bs { // newest first
		if !b.Pending() {
			st.Batches++
			if st.LastExport.Seq == 0 {
				st.LastExport = b
			}
		}
	}
	return st, nil
}
