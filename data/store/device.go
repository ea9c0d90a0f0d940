package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"chorus/data/batch"
	"chorus/data/seal"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// Device is this device's identity.
type Device struct {
	ID   string // uuid v7
	Name string
	Key  seal.DeviceKey
	Demo bool
}

// ShortID is the device id's short form used in file names and messages:
// see [batch.DeviceShort].
func (d Device) ShortID() string {
	return batch.DeviceShort(d.ID)
}

// ErrNoDevice is returned by [Store.Device] before [Store.InitDevice].
var ErrNoDevice = errors.New("this data folder has not been set up yet")

// ErrDemoMismatch is returned when a demo folder is opened for real data or
// the other way round.
var ErrDemoMismatch = errors.New("demo and real data folders cannot be swapped")

// InitDevice makes the device identity on first run and returns it; later
// runs return the existing one. demo must match what the folder was made as.
func (s *Store) InitDevice(name string, demo bool) (Device, error) {
	d, err := s.Device()
	if err == nil {
		if d.Demo != demo {
			if d.Demo {
				return d, fmt.Errorf("%w: %s holds demo data; use another folder for real data", ErrDemoMismatch, s.dir)
			}
			return d, fmt.Errorf("%w: %s holds real data; demo mode uses its own folder", ErrDemoMismatch, s.dir)
		}
		return d, nil
	}
	if !errors.Is(err, ErrNoDevice) {
		return d, err
	}
	key, err := seal.NewDeviceKey()
	if err != nil {
		return d, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return d, err
	}
	now := s.clock()
	_, err = s.db.Exec(`INSERT INTO device (id, device_id, name, public_key, seed, demo, created_at, created_offset)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?)`, id.String(), name, []byte(key.Public), key.Private.Seed(), demo, utc(now), offset(now))
	if err != nil {
		return d, err
	}
	return s.Device()
}

// Device returns this device's identity, or [ErrNoDevice].
func (s *Store) Device() (Device, error) {
	var d Device
	var pub, seed []byte
	err := s.db.QueryRow(`SELECT device_id, name, public_key, seed, demo FROM device WHERE id = 1`).
		Scan(&d.ID, &d.Name, &pub, &seed, &d.Demo)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNoDevice
	}
	if err != nil {
		return d, err
	}
	d.Key, err = seal.DeviceKeyFromSeed(seed)
	if err != nil {
		return d, err
	}
	if string(d.Key.Public) != string(pub) {
		return d, errors.New("device key does not match its public key: the database is damaged")
	}
	return d, nil
}

// SetRecipients replaces the analyst recipients every response is sealed to.
func (s *Store) SetRecipients(rs []seal.Recipient) error {
	if len(rs) == 0 {
		return errors.New("no recipients")
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM recipients`); err != nil {
		return err
	}
	now := utc(s.clock())
	for _, r := range rs {
		if _, err := tx.Exec(`INSERT INTO recipients (recipient, fingerprint, added_at) VALUES (?, ?, ?)`,
			r.Text, r.Fingerprint(), now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Recipients returns the analyst recipients, in the order they were added.
func (s *Store) Recipients() ([]seal.Recipient, error) {
	rows, err := s.db.Query(`SELECT recipient FROM recipients ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		lines = append(lines, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, errors.New("no analyst key is set for this device")
	}
	return seal.ParseRecipients(strings.Join(lines, "\n"))
}

// AddSurvey records a survey's exact file so batches can name it. Adding the
// same file again changes nothing.
func (s *Store) AddSurvey(sv *survey.Survey, body []byte) error {
	_, err := s.db.Exec(`INSERT INTO surveys (sha256, survey_id, version, body, added_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, sv.SHA256, sv.ID, sv.Version, body, utc(s.clock()))
	return err
}
