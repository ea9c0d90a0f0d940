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
	Format        string          // FormatStandard or FormatEasyRead: the version shown
	Listened      bool            // the consent screen was read aloud to the participant
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
	FormatEasyRead = "easy-read" // the survey's easy-read consent, see [EasyRead]
	GivenTap       = "tap"
	GivenVerbal    = "verbal"
)

// readAloud is added to a stored consent format when the consent screen
// was read aloud, see [ConsentRecord.StoredFormat].
const readAloud = "+read-aloud"

// StoredFormat is the record's format as the device stores it and a batch
// carries it: Format, with "+read-aloud" added when the participant
// listened (e.g. "easy-read+read-aloud"). One field keeps the batch format
// as it was, and records made before read-aloud read as not listened to.
func (c *ConsentRecord) StoredFormat() string {
	if c.Listened {
		return c.Format + readAloud
	}
	return c.Format
}

// SplitFormat reads a stored format back into the format shown and
// whether the consent was listened to.
func SplitFormat(stored string) (format string, listened bool) {
	format, listened = strings.CutSuffix(stored, readAloud)
	return format, listened
}

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
	case c.Format != FormatStandard && (c.Format != FormatEasyRead || s.Consent.EasyRead == nil):
		return errors.New("consent record names a format the survey's consent lacks: " + c.Format)
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

// Receipt codes let a participant withdraw later. A code is 9 characters
// in three groups of three, K7D-4MX-9RA, short enough to read aloud or copy
// in one look. The characters are the digits 2-9 and 16 capital letters,
// [ReceiptAlphabet]: 0, O, Q and D's look-alikes, 1, I and L, B (8), G (6),
// S (5), Z (2), U and V are left out, so no character in a code looks like
// another in print or handwriting. 24 characters in 9 places make 24^9
// codes, about 2^41.3: the chance that a guessed code is one of 10,000
// given out is 1 in 260 million.
//
// Codes given out before this format had 10 characters of Crockford's
// base32 (7KQ2M-X9D4R, 50 bits); [ParseReceipt] still reads them, so those
// participants can still withdraw.
const ReceiptAlphabet = "23456789ACDEFHJKMNPRTWXY"

// oldReceiptAlphabet is the older codes' Crockford base32.
const oldReceiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// lookAlike maps characters that are never in a receipt code to the one
// they are taken for, where that one is the only character of the code
// alphabet they look like. 1, I and L are not mapped: they could be 7, T
// or J as well.
var lookAlike = map[byte]byte{'0': 'D', 'O': 'D', 'Q': 'D', 'B': '8', 'S': '5', 'Z': '2', 'G': '6'}

// ErrReceipt is returned for a string that is not a receipt code.
var ErrReceipt = errors.New("not a receipt code: expect 9 letters and digits like K7D-4MX-9RA")

// NewReceipt returns a fresh random receipt code, K7D-4MX-9RA.
func NewReceipt() string {
	out := make([]byte, 0, 11)
	var buf [32]byte
	for len(out) < 11 {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(err) // crypto/rand never fails on supported systems
		}
		for _, x := range buf {
			// 240 is the largest multiple of 24 that fits a byte:
			// bytes from 240 up are dropped so every character is
			// equally likely.
			if x >= 240 || len(out) == 11 {
				continue
			}
			if len(out) == 3 || len(out) == 7 {
				out = append(out, '-')
			}
			out = append(out, ReceiptAlphabet[x%24])
		}
	}
	return string(out)
}

// ParseReceipt reads a receipt code as a person might type it: any case,
// with or without dashes or spaces, and with a character the code never has
// read as the one it looks like (O, 0 or Q for D, B for 8, S for 5, Z for 2,
// G for 6). It returns the canonical form, K7D-4MX-9RA. An older
// 10-character code is read by its own rules (O for 0, I and L for 1) and
// comes back as 7KQ2M-X9D4R.
func ParseReceipt(s string) (string, error) {
	var raw []byte
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A' // ASCII only: strings.ToUpper would turn Turkish ı into I
		}
		switch {
		case r == '-' || r == ' ' || r == '\t':
			continue
		case r > 127 || len(raw) == 10 || !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'):
			return "", ErrReceipt
		}
		raw = append(raw, byte(r))
	}
	switch len(raw) {
	case 9:
		for i, c := range raw {
			if m, ok := lookAlike[c]; ok {
				c = m
			}
			if strings.IndexByte(ReceiptAlphabet, c) < 0 {
				return "", ErrReceipt
			}
			raw[i] = c
		}
		return string(raw[:3]) + "-" + string(raw[3:6]) + "-" + string(raw[6:]), nil
	case 10:
		for i, c := range raw {
			switch c {
			case 'O':
				c = '0'
			case 'I', 'L':
				c = '1'
			}
			if strings.IndexByte(oldReceiptAlphabet, c) < 0 {
				return "", ErrReceipt
			}
			raw[i] = c
		}
		return string(raw[:5]) + "-" + string(raw[5:]), nil
	}
	return "", ErrReceipt
}

// HashReceipt returns the stored form of a canonical receipt code.
func HashReceipt(code string) string {
	h := sha256.Sum256([]byte("chorus-receipt/1\x00" + code))
	return hex.EncodeToString(h[:])
}
