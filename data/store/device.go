package store

import (
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"chorus/assets"
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
	now := s.clock()
	id := newV7(now)
	_, err = s.db.Exec(`INSERT INTO device (id, device_id, name, public_key, seed, demo, created_at, created_offset)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?)`, id.String(), name, []byte(key.Public), key.Private.Seed(), demo, utc(now), offset(now))
	if err != nil {
		return d, err
	}
	return s.Device()
}

// newV7 is a UUIDv7 for time t: 48 bits of Unix milliseconds, then 74
// random bits (RFC 9562). The device id is made from the store's clock,
// so that tests can set up devices at the same moment; what tells two
// devices apart is the random part, from which [batch.DeviceShort] takes
// the short id in file names.
func newV7(t time.Time) uuid.UUID {
	var u uuid.UUID
	rand.Read(u[6:]) // never fails (crypto/rand)
	ms := uint64(t.UnixMilli())
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 9562 variant
	return u
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

// SetRecipients replaces the analyst recipients every response is sealed
// to. A device that is not a demo refuses the demo key ([ErrDemoKey]).
func (s *Store) SetRecipients(rs []seal.Recipient) error {
	if len(rs) == 0 {
		return errors.New("no recipients")
	}
	if d, err := s.Device(); err == nil && !d.Demo {
		if err := CheckRealRecipients(rs); err != nil {
			return err
		}
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
// same file again changes nothing. A survey is refused, and nothing
// stored, when its id and version are already on the device with other
// content ([ErrSurveyChanged]: a response names its survey by id and
// version, and the analyst reads it with that definition), or when its
// consent text differs, in a language both have, from an earlier survey
// of that id with the same consent text version ([ErrConsentChanged]: a
// consent record names the words shown by that version).
func (s *Store) AddSurvey(sv *survey.Survey, body []byte) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.Query(`SELECT sha256, version, body FROM surveys WHERE survey_id = ?`, sv.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sha string
		var version int
		var old []byte
		if err := rows.Scan(&sha, &version, &old); err != nil {
			return err
		}
		if sha == sv.SHA256 {
			return nil // the same file again
		}
		if version == sv.Version {
			return fmt.Errorf("%w: survey %s version %d is already on this laptop with different content; give the changed survey a new version",
				ErrSurveyChanged, sv.ID, sv.Version)
		}
		if err := sameConsent(sv, old); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if _, err := tx.Exec(`INSERT INTO surveys (sha256, survey_id, version, body, added_at) VALUES (?, ?, ?, ?, ?)`,
		sv.SHA256, sv.ID, sv.Version, body, utc(s.clock())); err != nil {
		return err
	}
	return tx.Commit()
}

// sameConsent checks that sv, if its consent text version is that of the
// earlier survey file old (of the same id), shows the same consent text in
// every language both have (the text and the purposes' labels: what
// [survey.Survey.ConsentSHA256] covers). An earlier file that no longer
// parses (a stricter Chorus) cannot be compared and is passed over.
func sameConsent(sv *survey.Survey, old []byte) error {
	prev, err := survey.Parse("earlier.json", old)
	if err != nil || prev.Consent.Version != sv.Consent.Version {
		return nil
	}
	for _, lang := range sv.Languages {
		if prev.HasLanguage(lang) && prev.ConsentSHA256(lang) != sv.ConsentSHA256(lang) {
			return fmt.Errorf("%w: survey %s version %d: the consent text changed but its version (%s) did not; give the consent text a new version (it changed in %s, from survey version %d)",
				ErrConsentChanged, sv.ID, sv.Version, sv.Consent.Version, lang, prev.Version)
		}
	}
	return nil
}

// Errors from [Store.AddSurvey] and [Store.UseSurvey] about a survey
// changed without a new version.
var (
	ErrSurveyChanged  = errors.New("a survey changed without a new version")
	ErrConsentChanged = errors.New("a consent text changed without a new version")
)

// ErrDemoKey is returned when a real (not demo) data folder is given the
// demo analyst's key, whose private key ships with Chorus.
var ErrDemoKey = errors.New("this is the published demo key; anyone can read data sealed to it; use your analyst's key")

// CheckRealRecipients returns [ErrDemoKey] if any of rs is the demo
// analyst's key, which no real data may be sealed to.
func CheckRealRecipients(rs []seal.Recipient) error {
	demo, err := seal.ParseRecipients(assets.DemoRecipient())
	if err != nil {
		return fmt.Errorf("the demo key that ships with Chorus: %w", err) // a build defect
	}
	for _, r := range rs {
		for _, d := range demo {
			if r.Text == d.Text {
				return ErrDemoKey
			}
		}
	}
	return nil
}
