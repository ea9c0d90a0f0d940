package batch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// Format is the value of a version 1 manifest's "format" field.
const Format = "chorus-batch/1"

// Member names, in the order they appear in the tar.
const (
	ResponsesMember   = "responses.jsonl"
	ConsentsMember    = "consents.jsonl"
	DeclinedMember    = "declined.jsonl"
	WithdrawalsMember = "withdrawals.jsonl"
	AuditMember       = "audit.jsonl"
	SurveysMember     = "surveys.jsonl"
	ManifestMember    = "manifest.json"
	SignatureMember   = "manifest.sig"
)

// DataMembers are the JSON Lines members a manifest describes, in tar
// order. The manifest and its signature follow them.
var DataMembers = []string{ResponsesMember, ConsentsMember, DeclinedMember, WithdrawalsMember, AuditMember, SurveysMember}

// Members is every member of a batch, in tar order.
var Members = append(append([]string(nil), DataMembers...), ManifestMember, SignatureMember)

// Manifest describes a batch. It is signed with the device key; the
// signature covers the exact bytes of manifest.json.
type Manifest struct {
	Format             string `json:"format"`
	BatchID            string `json:"batch_id"`
	DeviceID           string `json:"device_id"`
	DeviceName         string `json:"device_name"`
	DevicePublicKey    []byte `json:"device_public_key"` // Ed25519, base64
	Seq                int64  `json:"seq"`
	PrevManifestSHA256 string `json:"prev_manifest_sha256"` // "" for seq 1
	CreatedAt          string `json:"created_at"`           // UTC RFC 3339
	AppVersion         string `json:"app_version"`
	SchemaVersion      int    `json:"schema_version"`
	// RecipientFingerprints are the short fingerprints of the age
	// recipients the batch is encrypted to (see seal.Fingerprint).
	RecipientFingerprints []string    `json:"recipient_fingerprints"`
	Surveys               []SurveyRef `json:"surveys"`
	Files                 []FileInfo  `json:"files"`
	Counts                Counts      `json:"counts"`
	Demo                  bool        `json:"demo"`
}

// SurveyRef names a survey file that responses in the batch were given to.
type SurveyRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
}

// FileInfo describes one data member.
type FileInfo struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	Lines  int64  `json:"lines"`
	SHA256 string `json:"sha256"`
}

// Counts tallies a batch's records. Every count but Declined is the line
// count of its member; Declined is the number of people who said no
// thanks, the sum of the "count" fields of declined.jsonl.
type Counts struct {
	Responses   int64 `json:"responses"`
	Consents    int64 `json:"consents"`
	Declined    int64 `json:"declined"`
	Withdrawals int64 `json:"withdrawals"`
	Audit       int64 `json:"audit"`
	Surveys     int64 `json:"surveys"`
}

// ResponseMeta is the clear metadata of a response line.
type ResponseMeta struct {
	ID                  string `json:"id"`
	SurveyID            string `json:"survey_id"`
	SurveyVersion       int    `json:"survey_version"`
	SurveySHA256        string `json:"survey_sha256"`
	Language            string `json:"language"`
	Mode                string `json:"mode"` // self, assisted, worker
	InterpreterLanguage string `json:"interpreter_language"`
	SessionID           string `json:"session_id"`
	Venue               string `json:"venue"`
	ConsentID           string `json:"consent_id"`
	Status              string `json:"status"` // complete, partial
	StartedAt           string `json:"started_at"`
	CreatedAt           string `json:"created_at"`
	CreatedOffset       int    `json:"created_offset"` // minutes from UTC
}

// Response is one line of responses.jsonl: metadata and the answers sealed
// with age to the analyst (base64 in JSON).
type Response struct {
	ResponseMeta
	Sealed []byte `json:"sealed"`
}

// Consent is one line of consents.jsonl. The participant's receipt code
// stays on the device; its hash (survey.HashReceipt) travels here so that
// central can withdraw a participant who phones with the code. Batches
// from before the hash travelled have none.
type Consent struct {
	ID            string          `json:"id"`
	SurveyID      string          `json:"survey_id"`
	SurveyVersion int             `json:"survey_version"`
	TextVersion   string          `json:"text_version"`
	TextSHA256    string          `json:"text_sha256"`
	Language      string          `json:"language"`
	Format        string          `json:"format"`
	Purposes      map[string]bool `json:"purposes"`
	HowGiven      string          `json:"how_given"`
	Mode          string          `json:"mode"`
	Staff         string          `json:"staff"`
	SessionID     string          `json:"session_id"`
	Venue         string          `json:"venue"`
	DeviceID      string          `json:"device_id"`
	CreatedAt     string          `json:"created_at"`
	CreatedOffset int             `json:"created_offset"`
	ReceiptHash   string          `json:"receipt_hash,omitempty"`
}

// Declined is one line of declined.jsonl: how many people said no thanks
// at consent for one survey, language, session and local day.
type Declined struct {
	SurveyID      string `json:"survey_id"`
	SurveyVersion int    `json:"survey_version"`
	Language      string `json:"language"`
	SessionID     string `json:"session_id"`
	Venue         string `json:"venue"`
	Day           string `json:"day"` // YYYY-MM-DD, local
	Count         int64  `json:"count"`
}

// Withdrawal is one line of withdrawals.jsonl: a participant withdrew a
// response that an earlier batch carried.
type Withdrawal struct {
	ID            string `json:"id"`
	ResponseID    string `json:"response_id"`
	ConsentID     string `json:"consent_id"`
	Staff         string `json:"staff"`
	CreatedAt     string `json:"created_at"`
	CreatedOffset int    `json:"created_offset"`
}

// AuditEvent is one line of audit.jsonl.
type AuditEvent struct {
	ID            string `json:"id"`
	Actor         string `json:"actor"`
	Action        string `json:"action"`
	Detail        string `json:"detail"`
	CreatedAt     string `json:"created_at"`
	CreatedOffset int    `json:"created_offset"`
}

// SurveyDef is one line of surveys.jsonl: the exact bytes of a survey file
// that responses in the batch were given to (base64 in JSON).
type SurveyDef struct {
	SHA256  string `json:"sha256"`
	ID      string `json:"id"`
	Version int    `json:"version"`
	Body    []byte `json:"body"`
}

// AppendLine appends v as one line of JSON to dst: v as [json.Marshal]
// encodes it, then a newline. This is the encoding of every record of a
// batch; [LineWriter] writes the same bytes.
func AppendLine(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(append(dst, b...), '\n'), nil
}

// LineWriter writes records to an io.Writer, each as the line
// [AppendLine] gives for it, without holding a copy of the line: a
// [json.Encoder] with its default settings writes exactly what
// json.Marshal gives and a newline.
type LineWriter struct {
	enc *json.Encoder
}

// NewLineWriter returns a LineWriter writing to w.
func NewLineWriter(w io.Writer) *LineWriter {
	return &LineWriter{enc: json.NewEncoder(w)}
}

// Write writes v as one line, with one call of w's Write; nothing if v
// cannot be encoded.
func (l *LineWriter) Write(v any) error {
	return l.enc.Encode(v)
}

var fileNamePattern = regexp.MustCompile(`^chorus-([0-9a-f]{12})-([0-9]{6,})\.tar\.age$`)

// FileName is the name of a device's batch file number seq: no personal
// data, sorts in seq order.
func FileName(deviceShort string, seq int64) string {
	return fmt.Sprintf("chorus-%s-%06d.tar.age", deviceShort, seq)
}

// ParseFileName reads the device short id and seq from a batch file name.
func ParseFileName(name string) (deviceShort string, seq int64, ok bool) {
	m := fileNamePattern.FindStringSubmatch(name)
	if m == nil {
		return "", 0, false
	}
	seq, err := strconv.ParseInt(m[2], 10, 64)
	return m[1], seq, err == nil
}

// DeviceShort is the last 12 hex digits of a device id: 48 of the random
// bits of its UUIDv7, so that laptops set up in the same second get
// different short ids (the first digits of a UUIDv7 are its timestamp).
func DeviceShort(deviceID string) string {
	s := string(bytes.ReplaceAll([]byte(deviceID), []byte("-"), nil))
	if len(s) > 12 {
		s = s[len(s)-12:]
	}
	return s
}
