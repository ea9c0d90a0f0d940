package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"chorus/data/batch"
	"chorus/data/survey"
)

// mergeSurveys stores the batch's survey files and returns them parsed.
// A survey id and version has one definition whichever device carried
// it: other bytes under the same id and version are a conflict, and so
// is a question whose type differs from another version's.
func mergeSurveys(ctx context.Context, tx *sql.Tx, b *batch.Batch) (map[string]*survey.Survey, error) {
	out := map[string]*survey.Survey{}
	err := b.Surveys(func(d batch.SurveyDef) error {
		sv, err := survey.Parse(d.ID+".json", d.Body)
		if err != nil {
			return fmt.Errorf("%w: survey %s version %d in the batch does not parse: %v", batch.ErrRecord, d.ID, d.Version, err)
		}
		if sv.ID != d.ID || sv.Version != d.Version {
			return fmt.Errorf("%w: survey %s version %d is labelled %s version %d", batch.ErrRecord, sv.ID, sv.Version, d.ID, d.Version)
		}
		var other string
		err = tx.QueryRowContext(ctx, `SELECT sha256 FROM surveys WHERE survey_id = ? AND version = ? AND sha256 <> ?`,
			d.ID, d.Version, d.SHA256).Scan(&other)
		switch {
		case err == nil:
			return fmt.Errorf("%w: survey %s version %d in this batch (sha256 %.12s) is not the survey %s version %d already merged (sha256 %.12s); a changed survey needs a new version",
				ErrConflict, d.ID, d.Version, d.SHA256, d.ID, d.Version, other)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := checkQuestionTypes(ctx, tx, sv, d.SHA256); err != nil {
			return err
		}
		out[d.SHA256] = sv
		_, err = tx.ExecContext(ctx, `INSERT INTO surveys (sha256, survey_id, version, body) VALUES (?, ?, ?, ?)
			ON CONFLICT (sha256) DO NOTHING`, d.SHA256, d.ID, d.Version, d.Body)
		return err
	})
	return out, err
}

// checkQuestionTypes refuses sv if one of its questions has another type
// in a version of the survey already merged: csv and report put a
// question's answers of every version together.
func checkQuestionTypes(ctx context.Context, tx *sql.Tx, sv *survey.Survey, sum string) error {
	rows, err := tx.QueryContext(ctx, `SELECT version, body FROM surveys WHERE survey_id = ? AND sha256 <> ? ORDER BY version`, sv.ID, sum)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var version int
		var body []byte
		if err := rows.Scan(&version, &body); err != nil {
			return err
		}
		old, err := survey.Parse(sv.ID+".json", body)
		if err != nil {
			continue // merged before by an older chorus-central; csv reports it
		}
		for i := range sv.Questions {
			q := &sv.Questions[i]
			if o, ok := old.Question(q.ID); ok && o.Type != q.Type {
				return fmt.Errorf("%w: question %s of survey %s is %s in version %d and %s in version %d; a changed question needs a new id",
					ErrConflict, q.ID, sv.ID, o.Type, version, q.Type, sv.Version)
			}
		}
	}
	return rows.Err()
}

type surveyKey struct {
	id      string
	version int
}

// consentTexts checks consent records against the survey definitions
// merged and the consent texts seen before.
type consentTexts struct {
	tx      *sql.Tx
	surveys map[surveyKey]*survey.Survey
	seen    map[[3]string]bool
}

func (t *consentTexts) check(ctx context.Context, cr *batch.Consent) error {
	k := surveyKey{cr.SurveyID, cr.SurveyVersion}
	sv, ok := t.surveys[k]
	if !ok {
		var body []byte
		err := t.tx.QueryRowContext(ctx, `SELECT body FROM surveys WHERE survey_id = ? AND version = ? ORDER BY sha256 LIMIT 1`,
			cr.SurveyID, cr.SurveyVersion).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: consent record %s names survey %s version %d, which no merged batch carries",
				batch.ErrRecord, cr.ID, cr.SurveyID, cr.SurveyVersion)
		}
		if err != nil {
			return err
		}
		if sv, err = survey.Parse(cr.SurveyID+".json", body); err != nil {
			return fmt.Errorf("%w: survey %s version %d does not parse: %v", batch.ErrRecord, cr.SurveyID, cr.SurveyVersion, err)
		}
		t.surveys[k] = sv
	}
	if cr.TextVersion != sv.Consent.Version || cr.TextSHA256 != sv.ConsentSHA256(cr.Language) {
		return fmt.Errorf("%w: consent record %s says it showed consent text version %q (sha256 %.12s) in %s, which is not the text of survey %s version %d (version %q, sha256 %.12s)",
			batch.ErrRecord, cr.ID, cr.TextVersion, cr.TextSHA256, cr.Language, sv.ID, sv.Version, sv.Consent.Version, sv.ConsentSHA256(cr.Language))
	}
	key := [3]string{cr.SurveyID, cr.TextVersion, cr.Language}
	if t.seen[key] {
		return nil
	}
	var have string
	err := t.tx.QueryRowContext(ctx, `SELECT text_sha256 FROM consent_texts WHERE survey_id = ? AND text_version = ? AND language = ?`,
		cr.SurveyID, cr.TextVersion, cr.Language).Scan(&have)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO consent_texts (survey_id, text_version, language, text_sha256) VALUES (?, ?, ?, ?)`,
			cr.SurveyID, cr.TextVersion, cr.Language, cr.TextSHA256); err != nil {
			return err
		}
	case err != nil:
		return err
	case have != cr.TextSHA256:
		return fmt.Errorf("%w: consent text version %q of survey %s in %s was merged before with other words (sha256 %.12s, this batch %.12s); a changed consent text needs a new version",
			ErrConflict, cr.TextVersion, cr.SurveyID, cr.Language, have, cr.TextSHA256)
	}
	if t.seen == nil {
		t.seen = map[[3]string]bool{}
	}
	t.seen[key] = true
	return nil
}
