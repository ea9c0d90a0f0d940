package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"chorus/data/central"
	"chorus/data/demo"
	"chorus/data/store/storetest"
	"chorus/data/survey"
	"chorus/translations"

	"golang.org/x/net/html"
)

// repSurveyFile is version 1 of the built-in digital inclusion survey,
// which the report fixtures' answers were written for (a copy: the
// built-in survey has moved on).
func repSurveyFile(t testing.TB) ([]byte, *survey.Survey) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "testdata", "digital-inclusion-v1.json")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := survey.Parse(filepath.Base(path), body)
	if err != nil {
		t.Fatal(err)
	}
	return body, sv
}

func repOpen(t testing.TB) *central.DB {
	t.Helper()
	db, err := central.Open(filepath.Join(t.TempDir(), "central.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Fixture rows, as the schema has them.
type (
	repResponse struct {
		id, lang, mode, venue, session, created string
		offset                                  int
		answers                                 survey.Answers
		quotes                                  bool
	}
	repFixture struct {
		db *central.DB
		sv *survey.Survey
		rs []repResponse
	}
)

// Texts in the SQL repFixture that must be escaped, or never shown.
const (
	repScriptQuote = "<script>alert('x')</script> it went fine"
	repHiddenQuote = "SECRET-NOT-CONSENTED <b>bold</b>"
	repEvilVenue   = `<img src=x onerror="alert(1)">`
)

// repSQLFixture fills a database with rows written directly: 60 responses
// to the digital inclusion survey from two devices (device A's batch 3
// missing, device B's batch 2 not chaining to batch 1), 4 declined, 2
// withdrawals. Chosen counts: 3 responses by a worker, 3 in Polish, 3 at
// "Tiny Hall", and exactly 3 preferring a phone call (all others have a
// preference); answers and a
// venue carry HTML.
func repSQLFixture(t testing.TB) *repFixture {
	t.Helper()
	body, sv := repSurveyFile(t)
	db := repOpen(t)
	tx, err := db.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	sum := sha256.Sum256(body)
	svSum := hex.EncodeToString(sum[:])
	exec(`INSERT INTO settings (key, value) VALUES ('demo', '0')`)
	exec(`INSERT INTO surveys (sha256, survey_id, version, body) VALUES (?, ?, ?, ?)`, svSum, sv.ID, sv.Version, body)
	batches := []struct {
		dev       string
		seq       int
		sum, prev string
	}{
		{"aaaaaaaa-0000-7000-8000-000000000001", 1, "a1", ""},
		{"aaaaaaaa-0000-7000-8000-000000000001", 2, "a2", "a1"},
		{"aaaaaaaa-0000-7000-8000-000000000001", 4, "a4", "a3"},
		{"bbbbbbbb-0000-7000-8000-000000000002", 1, "b1", ""},
		{"bbbbbbbb-0000-7000-8000-000000000002", 2, "b2", "not-b1"},
	}
	for _, dev := range []string{batches[0].dev, batches[3].dev} {
		exec(`INSERT INTO devices (device_id, public_key, name, demo, first_seen_at) VALUES (?, x'00', 'kiosk', 0, '2026-11-24T08:00:00Z')`, dev)
	}
	for i, b := range batches {
		exec(`INSERT INTO batches (device_id, seq, batch_id, manifest_sha256, prev_manifest_sha256, tar_sha256, manifest,
			signature, file_name, created_at, merged_at) VALUES (?, ?, ?, ?, ?, '', x'00', x'00', 'f', '2026-11-30T18:00:00Z', '2026-12-01T09:00:00Z')`,
			b.dev, b.seq, fmt.Sprint("batch-", i), b.sum, b.prev)
	}

	opt := func(id string, i int) string {
		q, _ := sv.Question(id)
		return q.Options[i%len(q.Options)].Code
	}
	var rs []repResponse
	for i := range 60 {
		r := repResponse{id: fmt.Sprintf("r%02d", i), session: fmt.Sprint("session-", i/10), quotes: i%2 == 0}
		switch {
		case i < 30:
			r.mode = "self"
		case i < 57:
			r.mode = "assisted"
		default:
			r.mode = "worker"
		}
		switch p := i * 7 % 60; {
		case p < 40:
			r.lang = "en"
		case p < 57:
			r.lang = "cy"
		default:
			r.lang = "pl"
		}
		switch p := i * 11 % 60; {
		case p < 35:
			r.venue = "Central Library"
		case p < 57:
			r.venue = repEvilVenue
		default:
			r.venue = "Tiny Hall"
		}
		r.created = fmt.Sprintf("2026-11-%02dT10:%02d:00Z", 24+i%5, i)
		if i == 59 {
			r.created, r.offset = "2026-11-30T23:30:00Z", 60 // 1 December where it was given
		}
		a := survey.Answers{
			"devices":        {Choices: [][]string{{"smartphone"}, {"smartphone", "computer"}, {"prefer_not"}, {"tablet"}}[i%4]},
			"home_internet":  {Choice: opt("home_internet", i)},
			"confidence":     {Choice: opt("confidence", i/3)},
			"future_feeling": {Choice: opt("future_feeling", i)},
			"age_band":       {Choice: opt("age_band", i)},
			"disability":     {Choice: opt("disability", i)},
			"home_language":  {Choice: opt("home_language", i%5)},
		}
		switch {
		case i < 3:
			a["preference"] = survey.Answer{Choice: "phone_call"}
		case i < 23:
			a["preference"] = survey.Answer{Choice: "online"}
		case i < 48:
			a["preference"] = survey.Answer{Choice: "face_to_face"}
		default:
			a["preference"] = survey.Answer{Choice: "no_preference"}
		}
		switch i % 3 {
		case 0:
			a["barriers"] = survey.Answer{Choices: []string{"cost", "skills"}}
		case 1:
			a["barriers"] = survey.Answer{Choices: []string{"language"}}
		}
		if i%2 == 0 {
			a["missed_out"] = survey.Answer{Choice: "yes"}
		} else if i%5 != 0 {
			a["missed_out"] = survey.Answer{Choice: "no"}
		}
		switch {
		case i == 4:
			a["online_experience"] = survey.Answer{Text: repScriptQuote}
		case i == 5:
			a["online_experience"] = survey.Answer{Text: repHiddenQuote}
		case i%4 == 0:
			a["online_experience"] = survey.Answer{Text: fmt.Sprintf("It was fine, number %d.", i)}
		}
		switch {
		case i < 6:
			a["postcode"] = survey.Answer{Text: "CF10"}
		case i < 8:
			a["postcode"] = survey.Answer{Text: "cf10"}
		case i < 40:
			a["postcode"] = survey.Answer{Text: fmt.Sprint("NP", i)}
		}
		if i%9 != 0 {
			n := 1 + i%7
			a["household"] = survey.Answer{Number: &n}
		}
		r.answers = a
		rs = append(rs, r)
	}
	for i, r := range rs {
		b := batches[i%len(batches)]
		answers, _ := json.Marshal(r.answers)
		purposes, _ := json.Marshal(map[string]bool{"take_part": true, "quotes": r.quotes})
		exec(`INSERT INTO consents (id, device_id, batch_seq, line, survey_id, survey_version, text_version, text_sha256,
			language, format, purposes, how_given, mode, staff, session_id, venue, created_at, created_offset)
			VALUES (?, ?, ?, ?, ?, ?, '1', '', ?, 'standard', ?, 'tap', ?, '', ?, ?, ?, ?)`,
			"c"+r.id, b.dev, b.seq, i, sv.ID, sv.Version, r.lang, string(purposes), r.mode, r.session, r.venue, r.created, r.offset)
		exec(`INSERT INTO responses (id, device_id, batch_seq, line, survey_id, survey_version, survey_sha256, language,
			mode, interpreter_language, session_id, venue, consent_id, status, started_at, created_at, created_offset, answers)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 'complete', ?, ?, ?, ?)`,
			r.id, b.dev, b.seq, i, sv.ID, sv.Version, svSum, r.lang, r.mode, r.session, r.venue, "c"+r.id, r.created, r.created,
			r.offset, string(answers))
	}
	exec(`INSERT INTO declined VALUES (?, 1, 1, ?, ?, 'en', 'session-0', 'Central Library', '2026-11-24', 3)`, batches[0].dev, sv.ID, sv.Version)
	exec(`INSERT INTO declined VALUES (?, 1, 1, ?, ?, 'cy', 'session-1', 'Central Library', '2026-11-25', 1)`, batches[3].dev, sv.ID, sv.Version)
	for i := range 2 {
		exec(`INSERT INTO withdrawals (response_id, consent_id, id, device_id, batch_seq, staff, created_at, created_offset)
			VALUES (?, ?, ?, ?, 2, 'Sam', '2026-11-26T10:00:00Z', 0)`,
			fmt.Sprint("gone-", i), fmt.Sprint("cgone-", i), fmt.Sprint("w-", i), batches[0].dev)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return &repFixture{db: db, sv: sv, rs: rs}
}

func repWrite(t testing.TB, db *central.DB, opts Options) string {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC) }
	}
	var buf bytes.Buffer
	if _, err := Write(context.Background(), db, &buf, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// repCell is a table cell of a report, found by its data-cell key.
type repCell struct {
	count      int // -1 when suppressed
	suppressed string
	text       string
}

// repCells reads every data-cell and data-stat of a report.
func repCells(t testing.TB, doc string) (cells map[string]repCell, stats map[string]string) {
	t.Helper()
	cells, stats = map[string]repCell{}, map[string]string{}
	z := html.NewTokenizer(strings.NewReader(doc))
	var key, stat string
	var cur repCell
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			return cells, stats
		case html.StartTagToken:
			tok := z.Token()
			if tok.Data != "td" {
				continue
			}
			key, stat, cur = "", "", repCell{count: -1}
			for _, a := range tok.Attr {
				switch a.Key {
				case "data-cell":
					key = a.Val
				case "data-stat":
					stat = a.Val
				case "data-suppressed":
					cur.suppressed = a.Val
				case "data-count":
					n, err := strconv.Atoi(a.Val)
					if err != nil {
						t.Fatalf("data-count %q", a.Val)
					}
					cur.count = n
				}
			}
		case html.TextToken:
			cur.text += string(z.Text())
		case html.EndTagToken:
			if tok := z.Token(); tok.Data == "td" {
				if key != "" {
					if _, dup := cells[key]; dup {
						t.Errorf("cell %q appears twice", key)
					}
					cur.text = strings.TrimSpace(cur.text)
					cells[key] = cur
				}
				if stat != "" {
					stats[stat] = strings.TrimSpace(cur.text)
				}
				key, stat = "", ""
			}
		}
	}
}

// repCount runs a count query.
func repCount(t testing.TB, db *central.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return n
}

// repExpected is the count that cell key should hold, worked out from
// the database with SQL.
func repExpected(t testing.TB, db *central.DB, sv *survey.Survey, key string, k int) int {
	t.Helper()
	base := `FROM responses WHERE survey_id = '` + sv.ID + `'`
	table, rest, _ := strings.Cut(key, "/")
	switch table {
	case "by-language":
		return repCount(t, db, `SELECT count(*) `+base+` AND language = ?`, rest)
	case "by-mode":
		return repCount(t, db, `SELECT count(*) `+base+` AND mode = ?`, rest)
	case "by-venue":
		return repCount(t, db, `SELECT count(*) `+base+` AND venue = ?`, rest)
	}
	if qid, ok := strings.CutPrefix(table, "question-"); ok {
		return repQuestionCount(t, db, sv, base, qid, rest, k)
	}
	for _, g := range []string{"mode", "language", "venue"} {
		if qid, ok := strings.CutPrefix(table, "cross-"+g+"-"); ok {
			group, code, _ := strings.Cut(rest, "/")
			return repQuestionCount(t, db, sv, base+` AND `+g+` = '`+group+`'`, qid, code, k)
		}
	}
	t.Fatalf("unknown cell key %q", key)
	return 0
}

func repQuestionCount(t testing.TB, db *central.DB, sv *survey.Survey, base, qid, code string, k int) int {
	t.Helper()
	q, ok := sv.Question(qid)
	if !ok {
		t.Fatalf("report has question %q, survey does not", qid)
	}
	switch q.Type {
	case survey.Multi:
		if code == "_none" {
			return repCount(t, db, `SELECT count(*) `+base+` AND coalesce(json_array_length(answers, '$."`+qid+`".choices'), 0) = 0`)
		}
		return repCount(t, db, `SELECT count(*) `+base+` AND EXISTS (SELECT 1 FROM json_each(answers, '$."`+qid+`".choices') WHERE value = ?)`, code)
	case survey.Number:
		if code == "_none" {
			return repCount(t, db, `SELECT count(*) `+base+` AND json_extract(answers, '$."`+qid+`".number') IS NULL`)
		}
		from, to, _ := strings.Cut(code, "-")
		lo, err1 := strconv.Atoi(from)
		hi, err2 := strconv.Atoi(to)
		if err1 != nil || err2 != nil {
			t.Fatalf("number range %q", code)
		}
		return repCount(t, db, `SELECT count(*) `+base+` AND json_extract(answers, '$."`+qid+`".number') BETWEEN ? AND ?`, lo, hi)
	case survey.Free:
		text := `json_extract(answers, '$."` + qid + `".text')`
		switch code {
		case "_none":
			return repCount(t, db, `SELECT count(*) `+base+` AND coalesce(`+text+`, '') = ''`)
		case "_text":
			return repCount(t, db, `SELECT count(*) `+base+` AND coalesce(`+text+`, '') != ''`)
		case "_other": // values given by fewer than k people
			return repCount(t, db, `SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n `+base+` AND coalesce(`+text+`, '') != ''
				GROUP BY lower(`+text+`) HAVING count(*) < ?)`, k)
		}
		value, ok := strings.CutPrefix(code, "=")
		if !ok {
			t.Fatalf("free-text cell %q", code)
		}
		return repCount(t, db, `SELECT count(*) `+base+` AND lower(`+text+`) = lower(?)`, value)
	}
	if code == "_none" {
		return repCount(t, db, `SELECT count(*) `+base+` AND coalesce(json_extract(answers, '$."`+qid+`".choice'), '') = ''`)
	}
	return repCount(t, db, `SELECT count(*) `+base+` AND json_extract(answers, '$."`+qid+`".choice') = ?`, code)
}

// repCheckCells checks every cell of a report against SQL: shown numbers
// match, small ones are 1 to k-1 and show no number, numbers hidden to
// protect them are at least k. It returns the cells.
func repCheckCells(t *testing.T, db *central.DB, sv *survey.Survey, doc string, k int) map[string]repCell {
	t.Helper()
	cells, _ := repCells(t, doc)
	if len(cells) == 0 {
		t.Fatal("the report has no cells")
	}
	for key, c := range cells {
		want := repExpected(t, db, sv, key, k)
		switch c.suppressed {
		case "":
			if c.count != want {
				t.Errorf("cell %s shows %d, SQL counts %d", key, c.count, want)
			}
		case "small":
			if want < 1 || want >= k {
				t.Errorf("cell %s is shown as small, SQL counts %d", key, want)
			}
			if c.text != fmt.Sprintf("fewer than %d", k) && c.text != fmt.Sprintf("llai na %d", k) {
				t.Errorf("small cell %s reads %q", key, c.text)
			}
		case "secondary":
			if want < k {
				t.Errorf("cell %s is hidden to protect another, yet SQL counts only %d", key, want)
			}
			fallthrough
		case "hidden":
			if strings.ContainsAny(c.text, "0123456789") {
				t.Errorf("hidden cell %s reads %q", key, c.text)
			}
		default:
			t.Errorf("cell %s: data-suppressed=%q", key, c.suppressed)
		}
	}
	// Every answer of every question is there.
	for _, q := range sv.Questions {
		if !q.Answerable() {
			continue
		}
		codes := []string{"_none"}
		switch q.Type {
		case survey.Free:
			if q.Section != "about_you" {
				codes = append(codes, "_text")
			}
		case survey.Number:
		default:
			for _, o := range q.Options {
				codes = append(codes, o.Code)
			}
		}
		for _, code := range codes {
			if _, ok := cells["question-"+q.ID+"/"+code]; !ok {
				t.Errorf("no cell for answer %s of %s", code, q.ID)
			}
		}
	}
	return cells
}

// TestReportMatchesSQL is the golden test on rows written with SQL: every
// number in the report is the count SQL gives, small counts are never
// shown, and suppressed cells cannot be worked out from their row.
func TestReportMatchesSQL(t *testing.T) {
	f := repSQLFixture(t)
	doc := repWrite(t, f.db, Options{})
	repCheckHTML(t, doc, "en")
	cells := repCheckCells(t, f.db, f.sv, doc, 5)

	_, stats := repCells(t, doc)
	for key, q := range map[string]string{
		"responses":   `SELECT count(*) FROM responses`,
		"venues":      `SELECT count(DISTINCT venue) FROM responses WHERE venue != ''`,
		"sessions":    `SELECT count(DISTINCT session_id) FROM responses WHERE session_id != ''`,
		"devices":     `SELECT count(*) FROM devices`,
		"declined":    `SELECT sum(count) FROM declined`,
		"withdrawals": `SELECT count(*) FROM withdrawals`,
		"batches":     `SELECT count(*) FROM batches`,
	} {
		if want := strconv.Itoa(repCount(t, f.db, q)); stats[key] != want {
			t.Errorf("overview %s = %q, SQL gives %s", key, stats[key], want)
		}
	}
	var first, last string
	f.db.SQL().QueryRow(`SELECT min(d), max(d) FROM (SELECT date(created_at, printf('%+d minutes', created_offset)) AS d FROM responses)`).Scan(&first, &last)
	if want := first + " to " + last; stats["dates"] != want || last != "2026-12-01" {
		t.Errorf("overview dates = %q, SQL gives %q", stats["dates"], want)
	}
	for _, want := range []string{"Device 000000000001: batch 3 is missing (highest merged: 4).", "Device 000000000002: batch 2 does not follow batch 1."} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report does not say %q", want)
		}
	}

	// The designed small groups: 3 workers, 3 in Polish, 3 at Tiny Hall,
	// 3 preferring a phone call.
	if c := cells["question-postcode/=CF10"]; c.count != 8 {
		t.Errorf("postcode CF10 (given as CF10 and cf10) = %+v, want 8", c)
	}
	for _, key := range []string{"by-mode/worker", "by-language/pl", "by-venue/Tiny Hall", "question-preference/phone_call"} {
		if c := cells[key]; c.suppressed != "small" || c.text != "fewer than 5" {
			t.Errorf("cell %s = %+v, want fewer than 5", key, c)
		}
	}
	// Each made another number of its row hidden: the smallest.
	for _, key := range []string{"by-mode/assisted", "by-language/cy", "by-venue/" + repEvilVenue, "question-preference/no_preference"} {
		if c := cells[key]; c.suppressed != "secondary" {
			t.Errorf("cell %s = %+v, want hidden as the smallest other number", key, c)
		}
	}
	phone := regexp.MustCompile(`<tr><th scope="row">A phone call</th>.*</tr>`).FindString(doc)
	if phone == "" || strings.Contains(phone, "3") {
		t.Errorf("the phone call row reads %q", phone)
	}
	if m := regexp.MustCompile(`A phone call: ([^;<]*)`).FindAllStringSubmatch(doc, -1); len(m) == 0 {
		t.Error("no chart description for phone call")
	} else {
		for _, s := range m {
			if s[1] != "fewer than 5" {
				t.Errorf("a chart says %q", s[0])
			}
		}
	}
	// Breakdowns hide the groups the who-took-part table hides.
	for key, c := range cells {
		if strings.HasPrefix(key, "cross-mode-") && (strings.Contains(key, "/worker/") || strings.Contains(key, "/assisted/")) && c.suppressed == "" {
			t.Errorf("breakdown cell %s is shown, though its group's size is not", key)
		}
	}
	// A venue whose size the who-took-part table hides is hidden in
	// every breakdown by venue.
	hiddenVenues := 0
	for key, c := range cells {
		venue, ok := strings.CutPrefix(key, "by-venue/")
		if !ok || c.suppressed == "" {
			continue
		}
		hiddenVenues++
		for k2, c2 := range cells {
			if strings.HasPrefix(k2, "cross-venue-") && strings.Contains(k2, "/"+venue+"/") && c2.suppressed == "" {
				t.Errorf("breakdown cell %s is shown, though its venue's size is not", k2)
			}
		}
	}
	if hiddenVenues == 0 {
		t.Error("no venue is small enough to be hidden: the check above checks nothing")
	}
	for _, id := range []string{"confidence", "barriers", "preference"} {
		for _, part := range []string{"mode", "language", "venue"} {
			if !strings.Contains(doc, `data-cell="cross-`+part+`-`+id+`/`) {
				t.Errorf("no breakdown of %s by %s", id, part)
			}
		}
	}

	// Escaping, and no free text without consent and --include-quotes.
	for _, bad := range []string{"<script", "<img", "<b>bold", "SECRET-NOT-CONSENTED", "it went fine"} {
		if strings.Contains(doc, bad) {
			t.Errorf("the report without --include-quotes holds %q", bad)
		}
	}
	if !strings.Contains(doc, "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") {
		t.Error("the venue is not shown escaped")
	}
	if !strings.Contains(doc, "Free-text answers: 16.") || !strings.Contains(doc, "The answers are not shown.") {
		t.Error("the report does not say how many free-text answers there are and that they are not shown")
	}

	quoted := repWrite(t, f.db, Options{IncludeQuotes: true})
	repCheckHTML(t, quoted, "en")
	if !strings.Contains(quoted, `<blockquote lang="en" data-quote>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; it went fine</blockquote>`) {
		t.Error("the consented quote is missing or not escaped")
	}
	for _, bad := range []string{"<script", "SECRET-NOT-CONSENTED"} {
		if strings.Contains(quoted, bad) {
			t.Errorf("the report with --include-quotes holds %q", bad)
		}
	}
	want := repCount(t, f.db, `SELECT count(*) FROM responses r JOIN consents c ON c.id = r.consent_id
		WHERE json_extract(c.purposes, '$.quotes') = 1 AND coalesce(json_extract(r.answers, '$.online_experience.text'), '') != ''`)
	if got := strings.Count(quoted, "data-quote>"); got != want || want == 0 {
		t.Errorf("%d quotes listed, SQL finds %d consented answers", got, want)
	}
	// Consent without the flag shows nothing: the first report above.
	// The flag without consent: a response that did not agree is left out
	// even when quotes are asked for (SECRET-NOT-CONSENTED above).

	// Key questions are a parameter; ids the survey lacks are skipped.
	some := repWrite(t, f.db, Options{KeyQuestions: []string{"no_such_question", "preference"}})
	if strings.Contains(some, `data-cross="cross-confidence"`) || !strings.Contains(some, `data-cross="cross-preference"`) {
		t.Error("--key-questions no_such_question,preference does not break down preference alone")
	}
	if none := repWrite(t, f.db, Options{KeyQuestions: []string{}}); strings.Contains(none, "data-cross=") ||
		!strings.Contains(none, "No key questions were chosen.") {
		t.Error("an empty list of key questions still gives breakdowns")
	}

	// A larger threshold hides more, and says so.
	ten := repWrite(t, f.db, Options{MinCount: 10})
	cells10 := repCheckCells(t, f.db, f.sv, ten, 10)
	if c := cells10["by-language/cy"]; c.suppressed == "" {
		t.Errorf("with --min-count 10, 17 responses in Welsh are shown as %+v", c)
	}
	if !strings.Contains(ten, "fewer than 10") {
		t.Error("with --min-count 10 nothing reads fewer than 10")
	}
}

// TestReportFromMergedBatches builds the database by merging real demo
// batches (the digital inclusion survey filled by demo.Fill, sealed and
// signed), one of them missing, and checks the report against SQL.
func TestReportFromMergedBatches(t *testing.T) {
	body, sv := repSurveyFile(t)
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, true)
	out := t.TempDir()
	var files []string
	for i, n := range []int{150, 120, 60} {
		if _, err := demo.Fill(context.Background(), dev.Store, sv, body, n, uint64(i+1)); err != nil {
			t.Fatal(err)
		}
		files = append(files, dev.Export(out))
	}
	db := repOpen(t)
	if _, err := db.Enrol(context.Background(), dev.Info.Key.Fingerprint(), "", "test"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{files[0], files[2]} { // batch 2 is missing
		if _, err := db.Merge(context.Background(), f, k.Identities, central.MergeOptions{Demo: true}); err != nil {
			t.Fatal(err)
		}
	}
	doc := repWrite(t, db, Options{})
	repCheckHTML(t, doc, "en")
	repCheckCells(t, db, sv, doc, 5)
	_, stats := repCells(t, doc)
	for key, q := range map[string]string{
		"responses":   `SELECT count(*) FROM responses`,
		"venues":      `SELECT count(DISTINCT venue) FROM responses WHERE venue != ''`,
		"sessions":    `SELECT count(DISTINCT session_id) FROM responses WHERE session_id != ''`,
		"devices":     `SELECT count(*) FROM devices`,
		"declined":    `SELECT coalesce(sum(count), 0) FROM declined`,
		"withdrawals": `SELECT count(*) FROM withdrawals`,
		"batches":     `SELECT count(*) FROM batches`,
	} {
		if want := strconv.Itoa(repCount(t, db, q)); stats[key] != want {
			t.Errorf("overview %s = %q, SQL gives %s", key, stats[key], want)
		}
	}
	if stats["responses"] == "0" || stats["venues"] != "3" {
		t.Errorf("overview = %v", stats)
	}
	if !strings.Contains(doc, "batch 2 is missing (highest merged: 3)") {
		t.Error("the missing batch is not reported")
	}
	if !strings.Contains(doc, `class="demo"`) {
		t.Error("a demo database's report does not say so")
	}
	if strings.Contains(doc, "HYPERLINK") {
		t.Error("free text is shown without --include-quotes")
	}
	quoted := repWrite(t, db, Options{IncludeQuotes: true})
	repCheckHTML(t, quoted, "en")
	if !strings.Contains(quoted, "data-quote>") {
		t.Error("no quotes with --include-quotes")
	}
}

// TestReportWelsh: --lang cy gives the report's words and the questions
// in Welsh; another language is refused.
func TestReportWelsh(t *testing.T) {
	f := repSQLFixture(t)
	doc := repWrite(t, f.db, Options{Language: "cy"})
	repCheckHTML(t, doc, "cy")
	repCheckCells(t, f.db, f.sv, doc, 5)
	q, _ := f.sv.Question("confidence")
	for _, want := range []string{"Trosolwg", "Pwy gymerodd ran", "llai na 5", html.EscapeString(q.Text["cy"]), "Cymraeg (cy)"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the Welsh report lacks %q", want)
		}
	}
	files := map[string]translations.Messages{}
	for _, lang := range Languages() {
		name := lang + ".json"
		data, err := fs.ReadFile(translations.ReportFS(), name)
		if err != nil {
			t.Fatal(err)
		}
		msgs, problems := translations.Check(name, data, files["en"])
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		files[lang] = msgs
	}
	for _, word := range files["en"] {
		if text := word.Forms["other"]; len(text) > 30 && !strings.Contains(text, "{{") && strings.Contains(doc, html.EscapeString(text)) {
			t.Errorf("the Welsh report has English %q", text)
		}
	}
	for lang, words := range files {
		for key := range files["en"] {
			if words[key].Forms["other"] == "" {
				t.Errorf("report word %q is missing in %s", key, lang)
			}
		}
	}
	if _, err := Write(context.Background(), f.db, io.Discard, Options{Language: "pl"}); err == nil {
		t.Error("a report in Polish was made")
	}
}

// TestReportFileErrors: bad options and an empty database write no file
// and leave no temporary file.
func TestReportFileErrors(t *testing.T) {
	f := repSQLFixture(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	for _, opts := range []Options{{Language: "xx"}, {MinCount: 1}, {Survey: "nope"}} {
		if _, err := WriteFile(context.Background(), f.db, path, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
	if _, err := WriteFile(context.Background(), repOpen(t), path, Options{}); !errors.Is(err, central.ErrNoData) {
		t.Errorf("report of an empty database: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("failed reports left %v", ents)
	}
	res, err := WriteFile(context.Background(), f.db, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 || res.Responses != 60 || res.Suppressed == 0 {
		t.Errorf("report: %+v, folder %v", res, ents)
	}
}
