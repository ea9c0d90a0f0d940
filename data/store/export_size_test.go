package store_test

import (
	"testing"

	"chorus/data/store/storetest"
)

// TestExportSizesBrokenUTF8: records whose text is not valid UTF-8 (a
// sequence broken across two fields, text JSON escapes) still export:
// each member's size in its tar header is that of the bytes written.
func TestExportSizesBrokenUTF8(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	dev.Submit(3)
	dev.Decline(2)
	db := dev.Store.DB()
	for _, q := range []string{
		// U+2028 is E2 80 A8: split over id and survey_id, and over
		// language (ends E2 80) and mode (a CHECKed word) in consents.
		`UPDATE responses SET id = id || CAST(X'E280' AS TEXT), survey_id = CAST(X'A8' AS TEXT) || survey_id,
			interpreter_language = CAST(X'E2' AS TEXT) || '<&>"\' || char(1, 10, 8232, 127) || CAST(X'80A8FF' AS TEXT)`,
		`UPDATE consents SET staff = 'a' || CAST(X'E280' AS TEXT), device_id = CAST(X'A8' AS TEXT) || device_id`,
		`UPDATE declined SET language = CAST(X'F09F' AS TEXT), day = CAST(X'9180' AS TEXT) || day`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	dev.Export(t.TempDir())
}
