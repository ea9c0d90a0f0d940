// Package report writes chorus-central's report on one survey: a single
// HTML file that needs nothing else (no network, scripts or fonts), made
// from the analyst's database.
//
// # What it shows
//
//   - an overview: responses, venues, sessions, devices, dates, how many
//     people declined, withdrawals, batches, and batches missing or out
//     of order (conflicting batches are refused when merging, so they
//     are never in the database);
//   - who took part: by language, mode, venue and every question whose
//     section is "about_you";
//   - every other question: a bar chart (faces for faces4 questions)
//     beside a table of the same numbers; for free-text questions the
//     number of answers and, only with [Options.IncludeQuotes], the
//     answers of participants whose consent includes
//     [Options.QuotesPurpose], in alphabetical order and without anything
//     else about the participant;
//   - the key questions broken down by mode, by language and by venue.
//
// Charts are inline SVG with a title and a description, and every table
// has header cells with scope, so the report can be read with a screen
// reader; colours are from the Okabe-Ito palette. Everything that comes
// from the data is HTML-escaped. A @media print style lays it out on A4.
//
// # Small numbers
//
// Any count from 1 to MinCount-1 is shown as "fewer than N" and never as
// its number, here or in a chart or a percentage. So that it cannot be
// worked out from the other numbers, the report treats each row of
// numbers that adds up to a known total as a sum (one question's answers
// plus "no answer" add up to the responses; a breakdown's cells add up
// to its group and to the overall count of that answer) and hides more
// numbers by the rule of package [chorus/data/report/suppress]. A
// breakdown also hides every row and column whose total the report
// itself does not show. Answers to multiple-choice questions do not add
// up, so only their small numbers are hidden. Zeros are shown.
// Percentages are of all responses (in breakdowns, of the group), and
// only for numbers shown.
//
// Sums that run across more than one question (through show_if
// conditions) or across rows and columns together are not examined:
// check tables built from them before publishing.
//
// # Words
//
// The report's own words come from translations.ReportFS, in the same
// format as the kiosk's translations; [Languages] lists those it has.
// Question texts are the survey's.
package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"chorus/data/central"
	"chorus/data/survey"
)

// DefaultMinCount is the smallest count a report shows by default: a
// count of 1 to DefaultMinCount-1 is shown as "fewer than 5".
const DefaultMinCount = 5

// DefaultQuotesPurpose is the consent purpose a participant agrees to for
// their free-text answers to be quoted without their name.
const DefaultQuotesPurpose = "quotes"

// DefaultKeyQuestions are the questions a report breaks down by mode, by
// language and by venue when [Options.KeyQuestions] is nil: confidence, barriers
// and preference in the built-in digital inclusion survey.
var DefaultKeyQuestions = []string{"confidence", "barriers", "preference"}

// Source is the analyst's database as a report reads it; *central.DB is
// one.
type Source interface {
	// SurveyVersions returns every version of survey id that responses
	// were given to, newest first (id "" when there is one survey), or
	// an error wrapping central.ErrNoData.
	SurveyVersions(ctx context.Context, id string) ([]*survey.Survey, error)
	// EachResponse calls fn with every response to survey id, in the
	// order they were merged.
	EachResponse(ctx context.Context, id string, fn func(*central.ResponseRecord) error) error
	// Summary counts what the database holds beside the responses.
	Summary(ctx context.Context, id string) (central.Summary, error)
	// BatchLinks lists every merged batch by device and number.
	BatchLinks(ctx context.Context) ([]central.BatchLink, error)
}

var _ Source = (*central.DB)(nil)

// Options tune [Write].
type Options struct {
	// Survey is the survey id to report on; "" when the database holds
	// only one survey.
	Survey string
	// Language of the report's own headings and words: "en" (the
	// default when "") or another of [Languages]. Question texts are
	// the survey's in that language, or English when it has none.
	Language string
	// MinCount is the smallest count shown; smaller ones are suppressed.
	// 0 means [DefaultMinCount]; otherwise it must be at least 2.
	MinCount int
	// IncludeQuotes lists the free-text answers of participants who
	// agreed to QuotesPurpose. Without it no free-text answer is shown.
	IncludeQuotes bool
	// QuotesPurpose is the consent purpose for quotes; "" means
	// [DefaultQuotesPurpose].
	QuotesPurpose string
	// KeyQuestions are broken down by mode, by language and by venue. nil means
	// [DefaultKeyQuestions]; ids the survey lacks, and free-text
	// questions, are skipped.
	KeyQuestions []string
	// Now gives the date printed on the report; nil means time.Now.
	Now func() time.Time
}

// Result says what [Write] wrote.
type Result struct {
	Responses  int
	Questions  int // questions with a chart or a count
	Suppressed int // table cells not shown
	Quotes     int // free-text answers listed
}

// WriteFile writes the report to path through a temporary file in the
// same folder, so that path holds a complete report or is left as it
// was.
func WriteFile(ctx context.Context, src Source, path string, opts Options) (Result, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(f.Name()) // after a successful rename this fails harmlessly
	defer f.Close()
	res, err := Write(ctx, src, f, opts)
	if err != nil {
		return res, err
	}
	if err := f.Sync(); err != nil {
		return res, err
	}
	if err := f.Close(); err != nil {
		return res, err
	}
	return res, os.Rename(f.Name(), path)
}

// Write writes the report on one survey of src to w; see the package
// documentation for what it holds.
func Write(ctx context.Context, src Source, w io.Writer, opts Options) (Result, error) {
	var res Result
	if opts.Language == "" {
		opts.Language = "en"
	}
	ws, err := wordsIn(opts.Language)
	if err != nil {
		return res, err
	}
	switch {
	case opts.MinCount == 0:
		opts.MinCount = DefaultMinCount
	case opts.MinCount < 2:
		return res, fmt.Errorf("the smallest count shown must be at least 2, not %d", opts.MinCount)
	}
	if opts.QuotesPurpose == "" {
		opts.QuotesPurpose = DefaultQuotesPurpose
	}
	if opts.KeyQuestions == nil {
		opts.KeyQuestions = DefaultKeyQuestions
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	versions, err := src.SurveyVersions(ctx, opts.Survey)
	if err != nil {
		return res, err
	}
	if len(versions) == 0 {
		return res, fmt.Errorf("survey %q: the database holds responses but not the survey they were given to", opts.Survey)
	}
	b := &builder{opts: opts, words: ws, minCount: opts.MinCount, versions: versions}
	if err := b.load(ctx, src); err != nil {
		return res, err
	}
	page := b.page()
	if err := ws.err; err != nil {
		return res, err
	}
	if err := pageTemplate.Execute(w, page); err != nil {
		return res, err
	}
	res.Responses = b.n
	res.Questions = len(page.People) + len(page.Questions) - 3 // language, mode, venue
	res.Suppressed = b.suppressed
	res.Quotes = b.quotes
	return res, nil
}
