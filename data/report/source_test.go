package report

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/survey"
)

// fakeSource is a Source with no database behind it.
type fakeSource struct {
	versions  []*survey.Survey
	responses []central.ResponseRecord
	err       error // from EachResponse
}

func (f *fakeSource) SurveyVersions(context.Context, string) ([]*survey.Survey, error) {
	return f.versions, nil
}

func (f *fakeSource) EachResponse(_ context.Context, _ string, fn func(*central.ResponseRecord) error) error {
	for i := range f.responses {
		if err := fn(&f.responses[i]); err != nil {
			return err
		}
	}
	return f.err
}

func (f *fakeSource) Summary(context.Context, string) (central.Summary, error) {
	return central.Summary{Devices: 1, Batches: 1, Surveys: 1}, nil
}

func (f *fakeSource) BatchLinks(context.Context) ([]central.BatchLink, error) { return nil, nil }

// TestWriteFromAnySource: the report needs only what Source gives; a
// source without surveys, without responses, or failing mid-way gives an
// error, never a panic or half a report.
func TestWriteFromAnySource(t *testing.T) {
	_, sv := repSurveyFile(t)
	ctx := context.Background()
	if _, err := Write(ctx, &fakeSource{}, io.Discard, Options{}); err == nil || !strings.Contains(err.Error(), "not the survey") {
		t.Errorf("no survey versions: %v", err)
	}
	if _, err := Write(ctx, &fakeSource{versions: []*survey.Survey{sv}}, io.Discard, Options{}); !errors.Is(err, central.ErrNoData) {
		t.Errorf("no responses: %v", err)
	}
	failing := errors.New("disk on fire")
	var out strings.Builder
	src := &fakeSource{versions: []*survey.Survey{sv}, responses: []central.ResponseRecord{{ID: "r1", Language: "en", Mode: "self"}}, err: failing}
	if _, err := Write(ctx, src, &out, Options{}); !errors.Is(err, failing) || out.Len() != 0 {
		t.Errorf("failing source: %v, %d bytes written", err, out.Len())
	}
	src.err = nil
	res, err := Write(ctx, src, &out, Options{})
	if err != nil || res.Responses != 1 || !strings.Contains(out.String(), "fewer than 5") {
		t.Errorf("one response: %+v, %v", res, err)
	}
}
