package central

import (
	"fmt"

	"chorus/data/batch"
	"chorus/data/survey"

	"filippo.io/age"
)

// Verify reads and verifies the batch file at path as [DB.Merge] does,
// opening every sealed response with ids, without a database. tempDir
// holds the decrypted batch meanwhile ("" for the system's).
func Verify(path string, ids []age.Identity, tempDir string) (batch.Manifest, error) {
	b, err := batch.Read(path, ids, batch.ReadOptions{TempDir: tempDir})
	if err != nil {
		return batch.Manifest{}, err
	}
	defer b.Close()
	surveys := map[string]*survey.Survey{}
	if err := b.Surveys(func(d batch.SurveyDef) error {
		sv, err := survey.Parse(d.ID+".json", d.Body)
		if err != nil {
			return fmt.Errorf("%w: survey %s version %d in the batch does not parse: %v", batch.ErrRecord, d.ID, d.Version, err)
		}
		surveys[d.SHA256] = sv
		return nil
	}); err != nil {
		return b.Manifest, err
	}
	line := 0
	err = b.Responses(func(r batch.Response) error {
		line++
		_, err := OpenResponse(ids, &r, surveys[r.SurveySHA256])
		if err != nil {
			return fmt.Errorf("responses.jsonl line %d: %w", line, err)
		}
		return nil
	})
	return b.Manifest, err
}
