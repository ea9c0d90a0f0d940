package survey

import (
	"strings"
	"testing"
	"time"
)

// withConsent is a valid survey in English and Welsh whose consent block is
// replaced by consent, and audio reference by audio ("" for none).
func withConsent(consent, audio string) string {
	doc := `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": ["en", "cy"],
  "title": {"en": "Title", "cy": "Teitl"},
  "consent": ` + consent + `,
  "questions": [{"id": "a", "type": "yesno", "text": {"en": "A?", "cy": "A?"}}]`
	if audio != "" {
		doc += `,
  "audio": ` + audio
	}
	return doc + "\n}\n"
}

const easyConsent = `{
    "version": "v1",
    "text": {"en": "Consent", "cy": "Caniatâd"},
    "purposes": [
      {"id": "take_part", "required": true, "label": {"en": "Yes", "cy": "Ie"}},
      {"id": "quotes", "label": {"en": "Quotes", "cy": "Dyfyniadau"}}
    ],
    "easy_read": {
      "text": {"en": "We ask you some questions.\nYou can stop.", "cy": "Rydyn ni'n gofyn.\nGallwch chi stopio."},
      "purposes": [
        {"id": "take_part", "label": {"en": "I will answer", "cy": "Atebaf"}, "picture": "take_part.png"},
        {"id": "quotes", "label": {"en": "You can use my words", "cy": "Cewch ddefnyddio fy ngeiriau"}}
      ]
    }
  }`

func TestParseEasyReadAndAudio(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	sv, err := Parse("t.json", []byte(withConsent(easyConsent, `{"pack": "t-audio", "sha256": "`+sha+`"}`)))
	if err != nil {
		t.Fatal(err)
	}
	e := sv.Consent.EasyRead
	if e == nil || e.Text.In("cy") != "Rydyn ni'n gofyn.\nGallwch chi stopio." {
		t.Fatalf("easy read = %+v", e)
	}
	if p, ok := e.Purpose("take_part"); !ok || p.Picture != "take_part.png" || p.Label.In("en") != "I will answer" {
		t.Errorf("take_part = %+v, %v", p, ok)
	}
	if sv.Audio == nil || sv.Audio.Pack != "t-audio" || sv.Audio.SHA256 != sha {
		t.Errorf("audio = %+v", sv.Audio)
	}
	// The easy-read wording is part of the consent hash; a survey
	// without one hashes as before.
	plain, err := Parse("t.json", []byte(withConsent(strings.Replace(easyConsent, `"easy_read"`, `"x_easy"`, 1), "")))
	if err == nil {
		t.Fatalf("unknown field parsed: %+v", plain)
	}
	noEasy := *sv
	noEasy.Consent.EasyRead = nil
	if noEasy.ConsentSHA256("en") == sv.ConsentSHA256("en") {
		t.Error("the easy-read text does not change the consent hash")
	}
}

func TestParseEasyReadProblems(t *testing.T) {
	cases := []struct {
		name, consent, audio string
		want                 []string
	}{
		{
			name:    "purpose twice and one missing",
			consent: strings.Replace(easyConsent, `{"id": "quotes", "label": {"en": "You can`, `{"id": "take_part", "label": {"en": "You can`, 1),
			want: []string{
				`t.json:16: consent.easy_read.purposes: missing purpose "quotes"; give every purpose an easy-read line`,
				`t.json:18: consent.easy_read.purposes[1].id: purpose "take_part" is listed twice`,
			},
		},
		{
			name:    "unknown purpose, missing Welsh, bad picture",
			consent: strings.Replace(strings.Replace(easyConsent, `{"id": "quotes", "label": {"en": "You can use my words", "cy": "Cewch ddefnyddio fy ngeiriau"}}`, `{"id": "photos", "label": {"en": "Photos"}, "picture": "../x.svg"}`, 1), `"picture": "take_part.png"`, `"picture": "take_part.png"`, 1),
			want: []string{
				`t.json:16: consent.easy_read.purposes: missing purpose "quotes"; give every purpose an easy-read line`,
				`t.json:18: consent.easy_read.purposes[1].id: "photos" is not one of the consent's purposes`,
				`t.json:18: consent.easy_read.purposes[1].label: missing "cy" text`,
				`t.json:18: consent.easy_read.purposes[1].picture: must be the name of a .png file beside the survey file, not "../x.svg"`,
			},
		},
		{
			name:    "bad audio reference",
			consent: easyConsent,
			audio:   `{"pack": "../elsewhere", "sha256": "1234"}`,
			want: []string{
				`t.json:23: audio.pack: must be the name of a folder beside the survey file (lower-case letters, digits, . _ -), not "../elsewhere"`,
				`t.json:23: audio.sha256: must be the SHA-256 of the pack's manifest.json, 64 lower-case hex digits, as "chorus-central survey audio" prints it`,
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.json", []byte(withConsent(c.consent, c.audio)))
			ps, ok := err.(Problems)
			if !ok {
				t.Fatalf("err = %v, want Problems", err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Error())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestConsentRecordFormat(t *testing.T) {
	sv, err := Parse("t.json", []byte(withConsent(easyConsent, "")))
	if err != nil {
		t.Fatal(err)
	}
	rec := func(format string) *ConsentRecord {
		return &ConsentRecord{ID: "c", ReceiptHash: "h", DeviceID: "d", SurveyID: "t", SurveyVersion: 1,
			TextVersion: "v1", TextSHA256: sv.ConsentSHA256("cy"), Language: "cy", Format: format,
			Purposes: map[string]bool{"take_part": true, "quotes": false}, HowGiven: GivenTap, Mode: ModeSelf,
			At: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), Listened: true}
	}
	for _, f := range []string{FormatStandard, FormatEasyRead} {
		if err := rec(f).Complete(sv); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := rec("read-aloud").Complete(sv); err == nil || !strings.Contains(err.Error(), "read-aloud") {
		t.Errorf("unknown format: %v", err)
	}
	sv.Consent.EasyRead = nil
	if err := rec(FormatEasyRead).Complete(sv); err == nil {
		t.Error("easy-read accepted for a survey without an easy-read consent")
	}
}
