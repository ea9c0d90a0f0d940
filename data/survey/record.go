package survey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Mode says who completed a response.
type Mode string

// The ways a response is completed.
const (
	ModeSelf     Mode = "self"     // the participant alone, e.g. at the kiosk
	ModeAssisted Mode = "assisted" // the participant answered, a worker helped
	ModeWorker   Mode = "worker"   // a worker recorded the participant's spoken answers
)

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool { return m == ModeSelf || m == ModeAssisted || m == ModeWorker }

// Status says whether a response was finished.
type Status string

// Response statuses.
const (
	Complete Status = "complete"
	Partial  Status = "partial"
)

// PayloadFormat is the format of a sealed answers payload.
const PayloadFormat = "chorus-answers/1"

// Payload is what gets sealed for the analyst: the answers, bound to the
// response they belong to so that a sealed payload cannot be moved to another
// record unnoticed.
type Payload struct {
	Format        string  `json:"format"`
	ResponseID    string  `json:"response_id"`
	SurveyID      string  `json:"survey_id"`
	SurveyVersion int     `json:"survey_version"`
	Language      string  `json:"language"`
	Answers       Answers `json:"answers"`
}

// ConsentRecord is consent recorded as data.
type ConsentRecord struct {
	ID            string
	ReceiptHash   string // see [HashReceipt]; never the code itself
	SurveyID      string
	SurveyVersion int
	TextVersion   string
	TextSHA256    string // of the exact text shown, see [Survey.ConsentSHA256]
	Language      string
	Format        string          // standard, easy-read, read-aloud
	Purposes      map[string]bool // one yes/no per purpose id
	HowGiven      string          // tap, verbal
	Mode          Mode
	Staff         string // who assisted or witnessed; "" at a kiosk
	At            time.Time
	DeviceID      string
}

// Consent formats and ways of giving consent.
const (
	FormatStandard = "standard"
	GivenTap       = "tap"
	GivenVerbal    = "verbal"
)

// Complete reports whether the record names everything P9 asks for.
func (c *ConsentRecord) Complete(s *Survey) error {
	switch {
	case c.ID == "" || c.ReceiptHash == "" || c.DeviceID == "":
		return errors.New("consent record lacks an id, receipt or device")
	case c.SurveyID != s.ID || c.SurveyVersion != s.Version:
		return errors.New("consent record names another survey")
	case c.TextVersion != s.Consent.Version || c.TextSHA256 != s.ConsentSHA256(c.Language):
		return errors.New("consent record does not match the consent text shown")
	case !s.HasLanguage(c.Language):
		return errors.New("consent given in a language the survey lacks")
	case !c.Mode.Valid() || (c.HowGiven != GivenTap && c.HowGiven != GivenVerbal):
		return errors.New("consent record lacks mode or how it was given")
	case c.At.IsZero():
		return errors.New("consent record has no time")
	}
	for _, p := range s.Consent.Purposes {
		yes, ok := c.Purposes[p.ID]
		if !ok {
			return errors.New("consent record lacks purpose " + p.ID)
		}
		if p.Required && !yes {
			return errors.New("required purpose " + p.ID + " was not agreed")
		}
	}
	return nil
}

// Receipt codes let a participant withdraw later. They are 10 characters of
// Crockford's base32 shown as XXXXX-XXXXX: 50 bits, no I, L, O or U.
const receiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ErrReceipt is returned for a string that is not a receipt code.
var ErrReceipt = errors.New("not a receipt code: expect 10 letters and digits like 7KQ2M-X9D4R")

// NewReceipt returns a fresh random receipt code.
func NewReceipt() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	out := make([]byte, 0, 11)
	for i, x := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, receiptAlphabet[x&31])
	}
	return string(out)
}

// ParseReceipt reads a receipt code as a person might type it: any case,
// with or without the dash or spaces, O for 0 and I or L for 1. It returns
// the canonical form.
func ParseReceipt(s string) (string, error) {
	var out []byte
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A' // ASCII only: strings.ToUpper would turn Turkish ı into I
		}
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(receiptAlphabet, r) || len(out) == 10 {
			return "", ErrReceipt
		}
		out = append(out, byte(r))
	}
	if len(out) != 10 {
		return "", ErrReceipt
	}
	return string(out[:5]) + "-" + string(out[5:]), nil
}

// HashReceipt returns the stored form of a canonical receipt code.
func HashReceipt(code string) string {
	h := sha256.Sum256([]byte("chorus-receipt/1\x00" + code))
	return hex.EncodeToString(h[:])
}
