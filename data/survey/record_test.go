package survey

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// receiptRE matches a canonical receipt code: 9 characters in three
// groups (K7D-4MX-9RA), or one of the older 10-character codes that are
// still accepted (7KQ2M-X9D4R).
var receiptRE = regexp.MustCompile(`^[2-9ACDEFHJKMNPRTWXY]{3}-[2-9ACDEFHJKMNPRTWXY]{3}-[2-9ACDEFHJKMNPRTWXY]{3}$|^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`)

var newReceiptRE = regexp.MustCompile(`^[2-9ACDEFHJKMNPRTWXY]{3}-[2-9ACDEFHJKMNPRTWXY]{3}-[2-9ACDEFHJKMNPRTWXY]{3}$`)

func TestNewReceipt(t *testing.T) {
	seen := map[string]bool{}
	used := map[rune]int{}
	for range 2000 {
		code := NewReceipt()
		if !newReceiptRE.MatchString(code) {
			t.Fatalf("NewReceipt() = %q, want XXX-XXX-XXX from 23456789ACDEFHJKMNPRTWXY", code)
		}
		if got, err := ParseReceipt(code); err != nil || got != code {
			t.Fatalf("ParseReceipt(%q) = %q, %v; want it unchanged", code, got, err)
		}
		if seen[code] {
			t.Fatalf("NewReceipt returned %q twice", code)
		}
		seen[code] = true
		for _, r := range code {
			used[r]++
		}
	}
	// 18,000 random characters use every one of the 24 (and the dash),
	// each about 750 times: no character is favoured (a modulo bias would
	// give the first 16 about 1.5 times as many as the rest).
	if len(used) != 25 {
		t.Errorf("receipts used %d distinct characters, want all 24 and the dash", len(used))
	}
	for r, n := range used {
		if r != '-' && (n < 600 || n > 900) {
			t.Errorf("%c used %d times in 18,000, want about 750", r, n)
		}
	}
}

func TestParseReceipt(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" for ErrReceipt
	}{
		{"K7D-4MX-9RA", "K7D-4MX-9RA"},
		{"k7d-4mx-9ra", "K7D-4MX-9RA"},
		{"K7D4MX9RA", "K7D-4MX-9RA"},
		{"K7D 4MX 9RA", "K7D-4MX-9RA"},
		{" K7D\t4MX-9RA ", "K7D-4MX-9RA"},
		{"K-7-D-4-M-X-9-R-A", "K7D-4MX-9RA"},
		{"234-567-89A", "234-567-89A"},
		{"CDE-FHJ-KMN", "CDE-FHJ-KMN"},
		{"PRT-WXY-ACE", "PRT-WXY-ACE"},
		// Characters the code never has, read for the one they look like.
		{"K7O-4MX-9RA", "K7D-4MX-9RA"}, // O, 0 and Q for D
		{"K70-4MX-9RA", "K7D-4MX-9RA"},
		{"K7Q-4MX-9RA", "K7D-4MX-9RA"},
		{"K7D-4MX-BRA", "K7D-4MX-8RA"}, // B for 8
		{"K7D-4MX-9RS", "K7D-4MX-9R5"}, // S for 5
		{"Z7D-4MX-9RA", "27D-4MX-9RA"}, // Z for 2
		{"K7D-GMX-9RA", "K7D-6MX-9RA"}, // G for 6
		// Older 10-character codes, with their own rules.
		{"7KQ2M-X9D4R", "7KQ2M-X9D4R"},
		{"7kq2m-x9d4r", "7KQ2M-X9D4R"},
		{"7KQ2MX9D4R", "7KQ2M-X9D4R"},
		{"7KQ 2M X9D 4R", "7KQ2M-X9D4R"},
		{"7-K-Q-2-M-X-9-D-4-R", "7KQ2M-X9D4R"},
		{"OOOOO-ooooo", "00000-00000"},
		{"IiLl1-11111", "11111-11111"},
		{"ABCDE-FGHJK", "ABCDE-FGHJK"},
		{"MNPQR-STVWZ", "MNPQR-STVWZ"},
		{"", ""},
		{"-----", ""},
		{"K7D-4MX-9R", ""},       // 8 characters
		{"7KQ2M-X9D4RR", ""},     // 11 characters
		{"K7D-4MX-9RA-K7D", ""},  // 12
		{"K7D-4MX-9R1", ""},      // 1 could be I, L, 7 or T: too unsure to guess
		{"K7D-4MX-9RI", ""},      // nor I
		{"K7D-4MX-9RL", ""},      // nor L
		{"K7D-4MX-9RU", ""},      // U and V are never in a code
		{"K7D-4MX-9RV", ""},      //
		{"K7D-4MX-9R\u0131", ""}, // Turkish dotless i, which upper-cases to I
		{"K7D-4MX-9R\u017f", ""}, // long s, which upper-cases to S
		{"K7D-4MX-9R\uff21", ""}, // full-width A
		{"K7D_4MX_9RA", ""},      // underscore
		{"K7D.4MX.9RA", ""},      // full stop
		{"K7D\n4MX-9RA", ""},     // new line
		{"K7D-4MX-9RÉ", ""},      // accented letter
		{"K7D-4MX-9R\xff", ""},   // not UTF-8
		{"K7D-4MX-9RA\x00", ""},  // NUL
		{"7KQ2M-X9D4U", ""},      // U is in no alphabet
		{"7KQ2M-X9D4\u0131", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseReceipt(tc.in)
			if tc.want == "" {
				if !errors.Is(err, ErrReceipt) || got != "" {
					t.Errorf("ParseReceipt(%q) = %q, %v; want ErrReceipt", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParseReceipt(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestHashReceipt(t *testing.T) {
	a := HashReceipt("7KQ2M-X9D4R")
	// Pinned: stored hashes must keep matching codes on participants'
	// receipts, so this must never change.
	if want := "f884bee75d4b5a28771d6728bf36cff787f7540f3562e3cc9abb4b2f2c7b3c6f"; a != want {
		t.Errorf("HashReceipt = %s, want %s", a, want)
	}
	if b := HashReceipt("7KQ2M-X9D4R"); a != b {
		t.Errorf("HashReceipt not stable: %s then %s", a, b)
	}
	if len(a) != 64 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("HashReceipt = %q, want 64 lower-case hex digits", a)
	}
	for _, other := range []string{"7KQ2M-X9D4S", "7KQ2MX9D4R", "7kq2m-x9d4r", ""} {
		if HashReceipt(other) == a {
			t.Errorf("HashReceipt(%q) = HashReceipt(7KQ2M-X9D4R)", other)
		}
	}
}

func TestConsentSHA256(t *testing.T) {
	s := parseAllTypes(t)
	en, cy := s.ConsentSHA256("en"), s.ConsentSHA256("cy")
	if en == cy {
		t.Errorf("ConsentSHA256 is the same for en and cy")
	}
	if len(en) != 64 || strings.Trim(en, "0123456789abcdef") != "" {
		t.Errorf("ConsentSHA256(en) = %q, want 64 lower-case hex digits", en)
	}
	if again := parseAllTypes(t).ConsentSHA256("en"); again != en {
		t.Errorf("ConsentSHA256 not stable across parses: %s then %s", en, again)
	}
	for _, tc := range []struct {
		name   string
		change func(s *Survey)
		en, cy bool // whether each hash must change
	}{
		{"cy purpose label", func(s *Survey) { s.Consent.Purposes[1].Label["cy"] += "!" }, false, true},
		{"en purpose label", func(s *Survey) { s.Consent.Purposes[0].Label["en"] = "I agree" }, true, false},
		{"en text", func(s *Survey) { s.Consent.Text["en"] += " Thank you." }, true, false},
		{"version", func(s *Survey) { s.Consent.Version = "test-2" }, true, true},
		{"purpose id", func(s *Survey) { s.Consent.Purposes[1].ID = "quote" }, true, true},
		{"purpose removed", func(s *Survey) { s.Consent.Purposes = s.Consent.Purposes[:1] }, true, true},
		{"purposes reordered", func(s *Survey) {
			p := s.Consent.Purposes
			p[0], p[1] = p[1], p[0]
		}, true, true},
		// Text moved between the consent text and a label is different
		// words on screen.
		{"text moved into a label", func(s *Survey) {
			s.Consent.Text["en"] = "We would like to ask you some"
			s.Consent.Purposes[0].Label["en"] = " questions.I agree to take part"
		}, true, false},
		{"question text", func(s *Survey) { s.Questions[1].Text["en"] = "Online?" }, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := parseAllTypes(t)
			tc.change(s)
			if got := s.ConsentSHA256("en") != en; got != tc.en {
				t.Errorf("en hash changed = %v, want %v", got, tc.en)
			}
			if got := s.ConsentSHA256("cy") != cy; got != tc.cy {
				t.Errorf("cy hash changed = %v, want %v", got, tc.cy)
			}
		})
	}
}

func completeRecord(s *Survey) ConsentRecord {
	return ConsentRecord{
		ID:            "c-1",
		ReceiptHash:   HashReceipt("7KQ2M-X9D4R"),
		SurveyID:      s.ID,
		SurveyVersion: s.Version,
		TextVersion:   s.Consent.Version,
		TextSHA256:    s.ConsentSHA256("cy"),
		Language:      "cy",
		Format:        FormatStandard,
		Purposes:      map[string]bool{"take_part": true, "quotes": false},
		HowGiven:      GivenTap,
		Mode:          ModeSelf,
		At:            time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		DeviceID:      "kiosk-1",
	}
}

func TestConsentRecordComplete(t *testing.T) {
	s := parseAllTypes(t)
	for _, tc := range []struct {
		name   string
		change func(c *ConsentRecord)
		want   string // error text; "" for complete
	}{
		{"complete", func(c *ConsentRecord) {}, ""},
		{"optional purpose agreed", func(c *ConsentRecord) { c.Purposes["quotes"] = true }, ""},
		{"extra purpose ignored", func(c *ConsentRecord) { c.Purposes["other"] = false }, ""},
		{"assisted, verbal", func(c *ConsentRecord) { c.Mode, c.HowGiven, c.Staff = ModeAssisted, GivenVerbal, "sam" }, ""},
		{"worker", func(c *ConsentRecord) { c.Mode, c.Staff = ModeWorker, "sam" }, ""},
		{"English", func(c *ConsentRecord) { c.Language, c.TextSHA256 = "en", s.ConsentSHA256("en") }, ""},
		{"no id", func(c *ConsentRecord) { c.ID = "" }, "consent record lacks an id, receipt or device"},
		{"no receipt", func(c *ConsentRecord) { c.ReceiptHash = "" }, "consent record lacks an id, receipt or device"},
		{"no device", func(c *ConsentRecord) { c.DeviceID = "" }, "consent record lacks an id, receipt or device"},
		{"another survey", func(c *ConsentRecord) { c.SurveyID = "other" }, "consent record names another survey"},
		{"another version", func(c *ConsentRecord) { c.SurveyVersion = 2 }, "consent record names another survey"},
		{"old consent wording", func(c *ConsentRecord) { c.TextVersion = "test-0" }, "consent record does not match the consent text shown"},
		{"wrong text hash", func(c *ConsentRecord) { c.TextSHA256 = s.ConsentSHA256("en") }, "consent record does not match the consent text shown"},
		{"no text hash", func(c *ConsentRecord) { c.TextSHA256 = "" }, "consent record does not match the consent text shown"},
		{"language the survey lacks", func(c *ConsentRecord) { c.Language, c.TextSHA256 = "fr", s.ConsentSHA256("fr") }, "consent given in a language the survey lacks"},
		{"no language", func(c *ConsentRecord) { c.Language, c.TextSHA256 = "", s.ConsentSHA256("") }, "consent given in a language the survey lacks"},
		{"bad mode", func(c *ConsentRecord) { c.Mode = "kiosk" }, "consent record lacks mode or how it was given"},
		{"no mode", func(c *ConsentRecord) { c.Mode = "" }, "consent record lacks mode or how it was given"},
		{"bad how given", func(c *ConsentRecord) { c.HowGiven = "nod" }, "consent record lacks mode or how it was given"},
		{"zero time", func(c *ConsentRecord) { c.At = time.Time{} }, "consent record has no time"},
		{"required purpose refused", func(c *ConsentRecord) { c.Purposes["take_part"] = false }, "required purpose take_part was not agreed"},
		{"required purpose missing", func(c *ConsentRecord) { delete(c.Purposes, "take_part") }, "consent record lacks purpose take_part"},
		{"optional purpose missing", func(c *ConsentRecord) { delete(c.Purposes, "quotes") }, "consent record lacks purpose quotes"},
		{"no purposes", func(c *ConsentRecord) { c.Purposes = nil }, "consent record lacks purpose take_part"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := completeRecord(s)
			tc.change(&c)
			err := c.Complete(s)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Complete = %v, want nil", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("Complete = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestModeValid(t *testing.T) {
	for _, tc := range []struct {
		m    Mode
		want bool
	}{{ModeSelf, true}, {ModeAssisted, true}, {ModeWorker, true}, {"", false}, {"Self", false}, {"kiosk", false}} {
		if got := tc.m.Valid(); got != tc.want {
			t.Errorf("Mode(%q).Valid() = %v, want %v", tc.m, got, tc.want)
		}
	}
}
