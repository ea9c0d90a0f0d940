package central

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"chorus/data/survey"
)

// CSV file names.
const (
	WideCSV     = "responses_wide.csv"
	LongCSV     = "answers_long.csv"
	CodebookCSV = "codebook.csv"
	DeclinedCSV = "declined.csv"
)

// csvFiles are the files [DB.WriteCSV] writes, in its result's order.
var csvFiles = []string{WideCSV, LongCSV, CodebookCSV, DeclinedCSV}

// CSVOptions tune [DB.WriteCSV].
type CSVOptions struct {
	// Survey is the survey id to write; "" when the database holds only
	// one survey.
	Survey string
	// Language of the codebook's texts and labels; "" for English, or the
	// survey's first language when it has no English.
	Language string
	// Workbook also writes analysis.xlsx ([WorkbookFile]): one sheet per
	// CSV file with the cells unguarded, see [DB.WriteCSV].
	Workbook bool
	// BOM starts each CSV file with a UTF-8 byte-order mark, so that a
	// spreadsheet opened by double-clicking reads it as UTF-8.
	BOM bool
}

// CSVResult says what [DB.WriteCSV] wrote.
type CSVResult struct {
	Files     []string
	Responses int
	Answers   int // rows of answers_long.csv with status answered
}

// TimeFormat is how the CSVs write times: ISO 8601 in UTC, whole seconds
// (cut, not rounded), one fixed width, e.g. 2026-12-02T17:06:44Z, which
// R's as.POSIXct, readr and pandas read without a format.
const TimeFormat = "2006-01-02T15:04:05Z"

// ErrNoData is returned by [DB.SurveyVersions], and so by [DB.WriteCSV]
// and the report, for a database without responses to the survey.
var ErrNoData = errors.New("the database holds no responses")

// WriteCSV writes four CSV files into outDir (made if needed), replacing
// earlier ones only when all four are complete:
//
//   - responses_wide.csv: one row per response. Metadata columns
//     (response_id, survey_id, survey_version, device_id, device_name,
//     venue, session_id, language, mode, interpreter_language, status,
//     started_at, created_at in [TimeFormat], created_offset in minutes,
//     created_local_date: the date where it was given, from created_at
//     and the offset), consent_format (standard
//     or easy-read) and consent_listened (yes if the consent screen was
//     read aloud), then consent_<purpose> for
//     each consent purpose (yes/no), then one column per question id.
//     Multiple choices are joined with ";", and each option of a
//     multiple-choice question has a column of its own after it,
//     question__option, 1 when chosen and 0 when not (or the question's
//     missing-value code).
//   - answers_long.csv: one row per answer (per chosen option for
//     multiple choice): response_id, survey_id, survey_version, question,
//     type, value, label, status.
//   - codebook.csv: one row per option (per question for questions
//     without options) of every version of the survey: survey_id,
//     survey_version, position, question, section, type, required,
//     shown_if, language, question_text, option_code, option_label,
//     score (1, 2, ... in the options' order for the ordinal scale5 and
//     faces4 questions), ordinal (true for those), exclusive (true for an
//     option such as "none" or "prefer not to say" that clears the other
//     choices) and missing_codes (the three codes below).
//   - declined.csv: survey_id, day, venue, language, declined (people who
//     said no thanks), responses (given that created_local_date), one row
//     per day, venue and language, so refusal rates can be worked out.
//
// opts.Language must be one of the survey's languages.
//
// A question a response has no answer to has a missing-value code instead
// of an empty cell, in responses_wide.csv as its value and in
// answers_long.csv as a row with that value and a status: [NotAsked] (-97,
// not_asked: skip logic routed past it, worked out from the show_if
// conditions of the response's own survey version and its answers),
// [NotAnswered] (-98, not_answered: shown but left blank) and [NotReached]
// (-99, not_reached: after the last answer of a partial response).
// Answered rows of answers_long.csv have status answered.
//
// Questions of all versions of the survey are columns, the newest
// version's order first. Rows follow device, batch and line order. Cells
// go through [SafeCell], so spreadsheets do not run them as formulas
// whatever list separator they split on. With opts.Workbook,
// analysis.xlsx has the same rows, a sheet per file, unguarded: text cells
// are typed as text (never a formula), whole numbers as numbers except in
// free-text and id columns, and the header row is frozen.
func (c *DB) WriteCSV(ctx context.Context, outDir string, opts CSVOptions) (CSVResult, error) {
	var res CSVResult
	versions, err := c.SurveyVersions(ctx, opts.Survey)
	if err != nil {
		return res, err
	}
	lang := opts.Language
	if lang != "" && !slices.ContainsFunc(versions, func(sv *survey.Survey) bool { return sv.HasLanguage(lang) }) {
		return res, fmt.Errorf("%w: survey %s has no language %q (it has %s)", ErrNoLanguage, versions[0].ID, lang, strings.Join(versions[0].Languages, ", "))
	}
	cols, purposes := columns(versions)
	opt := optionColumns(versions)

	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return res, err
	}
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	writers := map[string]*csv.Writer{}
	names := csvFiles
	var wb *workbook
	if opts.Workbook {
		names = append(slices.Clone(csvFiles), WorkbookFile)
		if wb, err = newWorkbook(); err != nil {
			return res, err
		}
	}
	for _, name := range names {
		f, err := os.CreateTemp(outDir, "."+name+"-*.tmp")
		if err != nil {
			return res, err
		}
		files[name] = f
		if name == WorkbookFile {
			continue
		}
		if opts.BOM {
			if _, err := f.WriteString("\uFEFF"); err != nil {
				return res, err
			}
		}
		writers[name] = csv.NewWriter(f)
	}
	put := func(name string, cells []string) error {
		if wb != nil {
			if err := wb.add(name, cells); err != nil {
				return err
			}
		}
		for i, s := range cells {
			cells[i] = SafeCell(s)
		}
		return writers[name].Write(cells)
	}

	wideHead := []string{"response_id", "survey_id", "survey_version", "device_id", "device_name", "venue", "session_id",
		"language", "mode", "interpreter_language", "status", "started_at", "created_at", "created_offset", "created_local_date",
		"consent_format", "consent_listened"}
	for _, p := range purposes {
		wideHead = append(wideHead, "consent_"+p)
	}
	for _, q := range cols {
		wideHead = append(wideHead, q.ID)
		for _, code := range opt[q.ID] {
			wideHead = append(wideHead, q.ID+"__"+code)
		}
	}
	if wb != nil {
		for i := range 11 { // ids, names and codes stay text; survey_version is a number
			if i != 2 {
				wb.textColumn(WideCSV, i)
			}
		}
		for _, q := range cols {
			if q.Type == survey.Free {
				wb.textColumn(WideCSV, slices.Index(wideHead, q.ID))
			}
		}
	}
	if err := put(WideCSV, wideHead); err != nil {
		return res, err
	}
	if err := put(LongCSV, []string{"response_id", "survey_id", "survey_version", "question", "type", "value", "label", "status"}); err != nil {
		return res, err
	}
	days := tally{}
	if err := c.writeRows(ctx, versions, cols, opt, purposes, lang, put, days, &res); err != nil {
		return res, err
	}
	if err := c.writeDeclined(ctx, versions[0].ID, days, put); err != nil {
		return res, err
	}
	if err := writeCodebook(versions, lang, put); err != nil {
		return res, err
	}
	for _, name := range names {
		f := files[name]
		if name == WorkbookFile {
			if err := wb.save(f); err != nil {
				return res, fmt.Errorf("%s: %w", WorkbookFile, err)
			}
		} else {
			w := writers[name]
			w.Flush()
			if err := w.Error(); err != nil {
				return res, err
			}
		}
		if err := f.Sync(); err != nil {
			return res, err
		}
		if err := f.Close(); err != nil {
			return res, err
		}
	}
	for _, name := range names {
		final := filepath.Join(outDir, name)
		if err := os.Rename(files[name].Name(), final); err != nil {
			return res, err
		}
		delete(files, name)
		res.Files = append(res.Files, final)
	}
	return res, nil
}

// ErrNoLanguage is returned by [DB.WriteCSV] for a language the survey
// does not have.
var ErrNoLanguage = errors.New("unknown language")

// SurveyVersions returns every version of survey id that responses were
// given to, newest first; id may be "" when the database holds responses
// to one survey only. Without responses to it the error is [ErrNoData].
func (c *DB) SurveyVersions(ctx context.Context, id string) ([]*survey.Survey, error) {
	var ids []string
	rows, err := c.db.QueryContext(ctx, `SELECT DISTINCT survey_id FROM responses ORDER BY survey_id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, s)
	}
	rows.Close()
	switch {
	case len(ids) == 0:
		return nil, ErrNoData
	case id == "" && len(ids) > 1:
		return nil, fmt.Errorf("the database holds responses to surveys %s: choose one", strings.Join(ids, ", "))
	case id == "":
		id = ids[0]
	case !slices.Contains(ids, id):
		return nil, fmt.Errorf("%w to survey %q (it has %s)", ErrNoData, id, strings.Join(ids, ", "))
	}
	// Only definitions that responses were given to: a definition a batch
	// carried without responses changes nothing (P19).
	rows, err = c.db.QueryContext(ctx, `SELECT body FROM surveys WHERE survey_id = ?
		AND sha256 IN (SELECT survey_sha256 FROM responses WHERE survey_id = ?) ORDER BY version DESC, sha256`, id, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*survey.Survey
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		sv, err := survey.Parse(id+".json", body)
		if err != nil {
			return nil, err
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

// columns lists the answerable questions and the consent purposes of all
// versions, newest first, each once.
func columns(versions []*survey.Survey) ([]*survey.Question, []string) {
	var qs []*survey.Question
	var purposes []string
	seen := map[string]bool{}
	for _, sv := range versions {
		for i := range sv.Questions {
			q := &sv.Questions[i]
			if q.Answerable() && !seen[q.ID] {
				seen[q.ID] = true
				qs = append(qs, q)
			}
		}
		for _, p := range sv.Consent.Purposes {
			if !slices.Contains(purposes, p.ID) {
				purposes = append(purposes, p.ID)
			}
		}
	}
	return qs, purposes
}

// optionColumns lists, by multiple-choice question id, the option codes
// of all versions, newest first, each once: responses_wide.csv has a 0/1
// column question__option for each.
func optionColumns(versions []*survey.Survey) map[string][]string {
	out := map[string][]string{}
	for _, sv := range versions {
		for _, q := range sv.Questions {
			if q.Type != survey.Multi {
				continue
			}
			for _, o := range q.Options {
				if !slices.Contains(out[q.ID], o.Code) {
					out[q.ID] = append(out[q.ID], o.Code)
				}
			}
		}
	}
	return out
}

// writeRows writes a row (and its answers' lines) for each response to
// the survey of versions. An answer's label comes from the version the
// response was given to.
func (c *DB) writeRows(ctx context.Context, versions []*survey.Survey, cols []*survey.Question, opt map[string][]string,
	purposes []string, lang string, put func(string, []string) error, days tally, res *CSVResult) error {
	surveyID := versions[0].ID
	byVersion := map[int]*survey.Survey{}
	for _, sv := range versions {
		byVersion[sv.Version] = sv
	}
	rows, err := c.db.QueryContext(ctx, `SELECT r.id, r.survey_id, r.survey_version, r.device_id, coalesce(d.name, ''), r.venue,
		r.session_id, r.language, r.mode, r.interpreter_language, r.status, r.started_at, r.created_at, r.created_offset,
		coalesce(c.format, ''), coalesce(c.purposes, '{}'), r.answers
		FROM responses r LEFT JOIN consents c ON c.id = r.consent_id LEFT JOIN devices d ON d.device_id = r.device_id
		WHERE r.survey_id = ? ORDER BY r.device_id, r.batch_seq, r.line`, surveyID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		meta := make([]string, 16)
		var version, off int
		var format, purposesJSON, answersJSON string
		if err := rows.Scan(&meta[0], &meta[1], &version, &meta[3], &meta[4], &meta[5], &meta[6], &meta[7], &meta[8],
			&meta[9], &meta[10], &meta[11], &meta[12], &off, &format, &purposesJSON, &answersJSON); err != nil {
			return err
		}
		meta[2], meta[13] = strconv.Itoa(version), strconv.Itoa(off)
		local := ""
		for _, i := range []int{11, 12} {
			at, err := time.Parse(time.RFC3339Nano, meta[i])
			if err != nil {
				return fmt.Errorf("response %s: its time %q is not RFC 3339: %w", meta[0], meta[i], err)
			}
			meta[i] = at.UTC().Truncate(time.Second).Format(TimeFormat)
			if i == 12 { // created_at's date where it was given
				local = at.In(time.FixedZone("", off*60)).Format(time.DateOnly)
			}
		}
		shown, listened := survey.SplitFormat(format)
		meta[14], meta[15] = shown, yesNo(listened, format != "")
		var agreed map[string]bool
		if err := json.Unmarshal([]byte(purposesJSON), &agreed); err != nil {
			return fmt.Errorf("response %s: consent purposes: %w", meta[0], err)
		}
		var ans survey.Answers
		if err := json.Unmarshal([]byte(answersJSON), &ans); err != nil {
			return fmt.Errorf("response %s: answers: %w", meta[0], err)
		}
		days.add(dayKey{local, meta[5], meta[7]}, 1, 1)
		wide := append(slices.Clone(meta[:14]), local)
		wide = append(wide, meta[14:]...)
		for _, p := range purposes {
			v, ok := agreed[p]
			wide = append(wide, yesNo(v, ok))
		}
		sv := byVersion[version]
		for _, q := range cols {
			a, ok := ans[q.ID]
			if !ok || a.Empty() {
				code := missingCode(sv, q.ID, ans, meta[10])
				wide = append(wide, code)
				for range opt[q.ID] {
					wide = append(wide, code)
				}
				if err := put(LongCSV, []string{meta[0], meta[1], meta[2], q.ID, string(q.Type), code, "", statusOf[code]}); err != nil {
					return err
				}
				continue
			}
			wide = append(wide, value(a))
			for _, code := range opt[q.ID] {
				wide = append(wide, oneZero(slices.Contains(a.Choices, code)))
			}
			own := q
			if sv != nil {
				if oq, ok := sv.Question(q.ID); ok {
					own = oq
				}
			}
			for _, v := range longValues(a) {
				label := ""
				if o, ok := own.Option(v); ok && own.Type != survey.Free && own.Type != survey.Number {
					label = text(o.Label, lang)
				}
				if err := put(LongCSV, []string{meta[0], meta[1], meta[2], q.ID, string(q.Type), v, label, StatusAnswered}); err != nil {
					return err
				}
				res.Answers++
			}
		}
		if err := put(WideCSV, wide); err != nil {
			return err
		}
		res.Responses++
	}
	return rows.Err()
}

func yesNo(v, ok bool) string {
	switch {
	case !ok:
		return ""
	case v:
		return "yes"
	}
	return "no"
}

func oneZero(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

// value is an answer in one cell.
func value(a survey.Answer) string {
	switch {
	case len(a.Choices) > 0:
		return strings.Join(a.Choices, ";")
	case a.Number != nil:
		return strconv.Itoa(*a.Number)
	case a.Choice != "":
		return a.Choice
	}
	return a.Text
}

// longValues is an answer as rows of answers_long.csv.
func longValues(a survey.Answer) []string {
	if len(a.Choices) > 0 {
		return a.Choices
	}
	return []string{value(a)}
}

// text is t in lang, or English, or the first language that has it.
func text(t survey.Text, lang string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if s, ok := t["en"]; ok {
		return s
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return ""
	}
	return t[keys[0]]
}

var plainNumber = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// SafeCell makes s safe to open in a spreadsheet, whatever list separator
// the spreadsheet splits cells on: a ' goes before every = + - @ that starts
// the cell or follows a comma, semicolon, tab or line break (spaces
// between allowed), and before a tab or carriage return that starts the
// cell. A cell that is a plain number such as -3.5 is left alone; a number
// after a separator is not, since in a spreadsheet that splits there the
// next cell's text runs on after it. Other text is unchanged.
func SafeCell(s string) string {
	if plainNumber.MatchString(s) {
		return s
	}
	var b strings.Builder
	done := 0 // s[:done] is in b
	guard := func(i int) {
		if b.Len() == 0 {
			b.Grow(len(s) + 8)
		}
		b.WriteString(s[done:i])
		b.WriteByte('\'')
		done = i
	}
	if s != "" && (s[0] == '\t' || s[0] == '\r') {
		guard(0)
	}
	for start := 0; start < len(s); {
		i := start
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i < len(s) && strings.IndexByte("=+-@", s[i]) >= 0 {
			guard(i)
		}
		next := strings.IndexAny(s[i:], ",;\t\r\n")
		if next < 0 {
			break
		}
		start = i + next + 1
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}
