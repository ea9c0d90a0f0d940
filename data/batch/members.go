package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Signature returns manifest.sig.
func (b *Batch) Signature() ([]byte, error) { return b.readMember(SignatureMember) }

func (b *Batch) readMember(name string) ([]byte, error) {
	s := b.members[name]
	buf := make([]byte, s.size)
	if _, err := b.tmp.ReadAt(buf, s.off); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotTar, name, err)
	}
	return buf, nil
}

// lines calls fn with every line of member name (without its newline) and
// its 1-based number.
func (b *Batch) lines(name string, fn func(n int, line []byte) error) error {
	s, ok := b.members[name]
	if !ok || b.tmp == nil {
		return fmt.Errorf("%s: batch is closed", name)
	}
	sc := bufio.NewScanner(io.NewSectionReader(b.tmp, s.off, s.size))
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	n := 0
	for sc.Scan() {
		n++
		if err := fn(n, sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %s line %d: %v", ErrRecord, name, n+1, err)
	}
	return nil
}

// each decodes every line of member name as a T, checks it and calls fn.
func each[T any](b *Batch, name string, check func(*T) error, fn func(T) error) error {
	return b.lines(name, func(n int, line []byte) error {
		var v T
		if !utf8.Valid(line) {
			return fmt.Errorf("%w: %s line %d: not valid UTF-8", ErrRecord, name, n)
		}
		if err := decodeStrict(line, &v); err != nil {
			return fmt.Errorf("%w: %s line %d: %v", ErrRecord, name, n, err)
		}
		if err := check(&v); err != nil {
			return fmt.Errorf("%w: %s line %d: %v", ErrRecord, name, n, err)
		}
		return fn(v)
	})
}

// Responses calls fn with each response, in order.
func (b *Batch) Responses(fn func(Response) error) error {
	return each(b, ResponsesMember, checkResponse, fn)
}

// Consents calls fn with each consent record, in order.
func (b *Batch) Consents(fn func(Consent) error) error {
	return each(b, ConsentsMember, checkConsent, fn)
}

// Declined calls fn with each declined tally, in order.
func (b *Batch) Declined(fn func(Declined) error) error {
	return each(b, DeclinedMember, checkDeclined, fn)
}

// Withdrawals calls fn with each withdrawal, in order.
func (b *Batch) Withdrawals(fn func(Withdrawal) error) error {
	return each(b, WithdrawalsMember, checkWithdrawal, fn)
}

// Audit calls fn with each audit event, in order.
func (b *Batch) Audit(fn func(AuditEvent) error) error {
	return each(b, AuditMember, checkAudit, fn)
}

// Surveys calls fn with each survey file the batch carries.
func (b *Batch) Surveys(fn func(SurveyDef) error) error {
	return each(b, SurveysMember, checkSurvey, fn)
}

func need(fields ...string) error {
	for i := 0; i < len(fields); i += 2 {
		if fields[i+1] == "" {
			return fmt.Errorf("%s is empty", fields[i])
		}
	}
	return nil
}

func validMode(m string) bool { return m == "self" || m == "assisted" || m == "worker" }

func checkResponse(r *Response) error {
	if err := need("id", r.ID, "survey_id", r.SurveyID, "survey_sha256", r.SurveySHA256, "language", r.Language,
		"consent_id", r.ConsentID, "created_at", r.CreatedAt); err != nil {
		return err
	}
	switch {
	case !validMode(r.Mode):
		return fmt.Errorf("mode %q is not self, assisted or worker", r.Mode)
	case r.Status != "complete" && r.Status != "partial":
		return fmt.Errorf("status %q is not complete or partial", r.Status)
	case len(r.Sealed) == 0:
		return errors.New("sealed is empty")
	}
	return nil
}

func checkConsent(c *Consent) error {
	if err := need("id", c.ID, "survey_id", c.SurveyID, "language", c.Language, "created_at", c.CreatedAt); err != nil {
		return err
	}
	if !validMode(c.Mode) {
		return fmt.Errorf("mode %q is not self, assisted or worker", c.Mode)
	}
	return nil
}

func checkDeclined(d *Declined) error {
	if err := need("survey_id", d.SurveyID, "language", d.Language, "day", d.Day); err != nil {
		return err
	}
	if d.Count < 1 {
		return fmt.Errorf("count is %d", d.Count)
	}
	return nil
}

func checkWithdrawal(w *Withdrawal) error {
	return need("id", w.ID, "response_id", w.ResponseID, "created_at", w.CreatedAt)
}

func checkAudit(a *AuditEvent) error {
	return need("id", a.ID, "action", a.Action, "created_at", a.CreatedAt)
}

func checkSurvey(s *SurveyDef) error {
	return need("sha256", s.SHA256, "id", s.ID)
}

// decodeStrict decodes exactly one JSON value with no unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("not valid JSON: %v", err)
		}
		return err
	}
	if dec.More() {
		return errors.New("not valid JSON: more than one value on the line")
	}
	return nil
}
