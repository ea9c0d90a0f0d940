package batch

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"

	"chorus/data/seal"

	"filippo.io/age"
)

// Limits on what [Read] accepts.
const (
	// MaxFileSize is the largest batch file Read opens; larger files are
	// refused by their size before anything is decrypted.
	MaxFileSize = 2 << 30
	// MaxManifestSize bounds manifest.json.
	MaxManifestSize = 1 << 20
	// MaxLine bounds one JSON line: a sealed payload (at most
	// seal.MaxPayload) in base64 with its metadata.
	MaxLine = seal.MaxPayload*4/3 + 64<<10
)

// Errors from [Read]. Each comes wrapped with the details: which member,
// which line, what age said.
var (
	ErrEmpty         = errors.New("the file is empty")
	ErrTooLarge      = errors.New("the file is too large to be a batch")
	ErrNotAge        = errors.New("not an age-encrypted file")
	ErrWrongKey      = errors.New("the file is not encrypted to the given identity")
	ErrTruncated     = errors.New("the file is truncated")
	ErrDamaged       = errors.New("the file is damaged")
	ErrNotTar        = errors.New("the decrypted file is not a valid tar archive")
	ErrMember        = errors.New("the batch does not hold the expected files")
	ErrManifest      = errors.New("the manifest is not valid")
	ErrBadSignature  = errors.New("the manifest signature does not verify")
	ErrHashMismatch  = errors.New("a file does not match its hash in the manifest")
	ErrCountMismatch = errors.New("the counts do not match the manifest")
	ErrRecord        = errors.New("a record is not valid")
)

// TempPattern names the decrypted temporary files [Read] makes, as
// [os.CreateTemp] and [filepath.Glob] take it.
const TempPattern = ".chorus-batch-*.tar"

// createTemp makes the private (0600) temporary file for the decrypted
// tar and locks it (flock) for as long as it is open, which tells
// [RemoveStale] it is in use. The system drops the lock when the process
// ends, however it ends.
func createTemp(dir string) (*os.File, error) {
	for {
		f, err := os.CreateTemp(dir, TempPattern)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		// RemoveStale may have removed the file between its making and
		// the lock; then make another.
		st, err := f.Stat()
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		if now, err := os.Lstat(f.Name()); err == nil && os.SameFile(st, now) {
			return f, nil
		}
		f.Close()
	}
}

// RemoveStale removes from dir the decrypted temporary files that [Read]
// left there when its process was killed before [Batch.Close]: files named
// like [TempPattern] that no open Batch, in this process or another, holds
// locked. It returns the paths it removed.
func RemoveStale(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, TempPattern))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, name := range names {
		ok, err := removeUnlocked(name)
		if err != nil {
			return removed, err
		}
		if ok {
			removed = append(removed, name)
		}
	}
	return removed, nil
}

// removeUnlocked removes the regular file at name unless another open file
// holds a lock on it.
func removeUnlocked(name string) (bool, error) {
	if st, err := os.Lstat(name); err != nil || !st.Mode().IsRegular() {
		return false, nil // gone meanwhile, or not one of Read's files
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ELOOP) {
			return false, nil
		}
		return false, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return false, nil // a batch being read
		}
		return false, &os.PathError{Op: "lock", Path: name, Err: err}
	}
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if now, err := os.Lstat(name); err != nil || !os.SameFile(st, now) || !st.Mode().IsRegular() {
		return false, nil
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}

// ReadOptions tune [Read].
type ReadOptions struct {
	// TempDir holds the decrypted tar while the batch is open; "" for the
	// system's temporary folder. The file is private (0600), named like
	// [TempPattern] and removed by Close; one that a killed process left
	// is removed by [RemoveStale].
	TempDir string
	// MaxFileSize overrides [MaxFileSize] when not zero.
	MaxFileSize int64
}

// Batch is a batch file that [Read] decrypted and verified.
type Batch struct {
	Path           string
	FileSHA256     string // hex, of the encrypted file
	Manifest       Manifest
	ManifestJSON   []byte
	ManifestSHA256 string
	TarSHA256      string

	tmp     *os.File
	members map[string]section
}

type section struct{ off, size int64 }

// Read decrypts the batch at path with ids into a private temporary file
// and verifies it completely before returning: age's authentication to
// the clean end of the file, the tar's exact members, the manifest's
// signature by the device key it names, every member's size, hash and
// line count, and that every line is a valid record. The caller must
// Close the batch. The device key itself is checked against what is
// known of the device by the caller (see data/central).
func Read(path string, ids []age.Identity, opts ReadOptions) (*Batch, error) {
	limit := opts.MaxFileSize
	if limit == 0 {
		limit = MaxFileSize
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%w: not a regular file", ErrNotAge)
	case st.Size() == 0:
		return nil, ErrEmpty
	case st.Size() > limit:
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, st.Size(), limit)
	}
	if err := checkMagic(f); err != nil {
		return nil, err
	}
	fileHash := sha256.New()
	dec, err := age.Decrypt(io.TeeReader(f, fileHash), ids...)
	if err != nil {
		return nil, ageError(err)
	}
	tmp, err := createTemp(opts.TempDir)
	if err != nil {
		return nil, fmt.Errorf("cannot make a temporary file: %w", err)
	}
	b := &Batch{Path: path, tmp: tmp, members: map[string]section{}}
	ok := false
	defer func() {
		if !ok {
			b.Close()
		}
	}()
	tarHash := sha256.New()
	// Nothing decrypted is looked at until age reports a clean end: age
	// hands out the plaintext of a truncated file before it fails.
	if _, err := io.Copy(tmp, io.TeeReader(dec, tarHash)); err != nil {
		if pe := (*os.PathError)(nil); errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot write the temporary file: %w", err)
		}
		return nil, ageError(err)
	}
	b.FileSHA256 = hex.EncodeToString(fileHash.Sum(nil))
	b.TarSHA256 = hex.EncodeToString(tarHash.Sum(nil))
	if err := b.verify(); err != nil {
		return nil, err
	}
	ok = true
	return b, nil
}

// Close removes the decrypted temporary file.
func (b *Batch) Close() error {
	if b.tmp == nil {
		return nil
	}
	name := b.tmp.Name()
	b.tmp.Close()
	b.tmp = nil
	return os.Remove(name)
}

const ageMagic = "age-encryption.org/v1\n"

func checkMagic(f *os.File) error {
	buf := make([]byte, len(ageMagic))
	n, _ := io.ReadFull(f, buf)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	switch {
	case string(buf[:n]) == ageMagic:
		return nil
	case strings.HasPrefix("-----BEGIN AGE ENCRYPTED FILE-----", string(buf[:n])):
		return fmt.Errorf("%w: it is ASCII-armored age, and batches are binary", ErrNotAge)
	}
	return ErrNotAge
}

// ageError says what age's error means for a batch.
func ageError(err error) error {
	var nomatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &nomatch):
		return fmt.Errorf("%w (or its header is damaged): %v", ErrWrongKey, err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w: it ends before its last encrypted chunk", ErrTruncated)
	case strings.Contains(err.Error(), "bad header MAC"):
		return fmt.Errorf("%w: its header failed authentication", ErrDamaged)
	case strings.Contains(err.Error(), "failed to read header"):
		return fmt.Errorf("%w: its header cannot be read: %v", ErrDamaged, err)
	case strings.Contains(err.Error(), "trailing data"):
		return fmt.Errorf("%w: there are extra bytes after its end", ErrDamaged)
	case strings.Contains(err.Error(), "authenticate"):
		return fmt.Errorf("%w: its contents failed authentication (changed, cut short or added to)", ErrDamaged)
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}

// verify checks the decrypted tar.
func (b *Batch) verify() error {
	if _, err := b.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	cr := &countReader{r: bufio.NewReaderSize(b.tmp, 64<<10)}
	tr := tar.NewReader(cr)
	type computed struct {
		info  FileInfo
		last  byte
		order int
	}
	got := map[string]*computed{}
	for i := 0; ; i++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrNotTar, err)
		}
		name := hdr.Name
		switch {
		case strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.Contains(name, "\\"):
			return fmt.Errorf("%w: unsafe member path %q", ErrMember, name)
		case hdr.Typeflag != tar.TypeReg:
			return fmt.Errorf("%w: %q is not a regular file", ErrMember, name)
		case !slices.Contains(Members, name):
			return fmt.Errorf("%w: unexpected member %q", ErrMember, name)
		case got[name] != nil:
			return fmt.Errorf("%w: %q appears twice", ErrMember, name)
		case name == ManifestMember && hdr.Size > MaxManifestSize:
			return fmt.Errorf("%w: manifest.json is %d bytes", ErrManifest, hdr.Size)
		case name == SignatureMember && hdr.Size != ed25519.SignatureSize:
			return fmt.Errorf("%w: manifest.sig is %d bytes, not %d", ErrBadSignature, hdr.Size, ed25519.SignatureSize)
		}
		c := &computed{info: FileInfo{Name: name}, order: i}
		got[name] = c
		b.members[name] = section{off: cr.n, size: hdr.Size}
		h := sha256.New()
		lc := &lineCounter{}
		n, err := io.Copy(io.MultiWriter(h, lc), tr)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrNotTar, name, err)
		}
		c.info.Bytes, c.info.Lines, c.info.SHA256, c.last = n, lc.lines, hex.EncodeToString(h.Sum(nil)), lc.last
	}
	// After the end-of-archive marker only zero padding may follow.
	rest, err := io.Copy(zeroChecker{}, cr)
	if err != nil || rest > 64<<10 {
		return fmt.Errorf("%w: data after the end of the archive", ErrNotTar)
	}
	for _, name := range Members {
		if got[name] == nil {
			return fmt.Errorf("%w: %q is missing", ErrMember, name)
		}
	}

	mj, err := b.readMember(ManifestMember)
	if err != nil {
		return err
	}
	sig, err := b.readMember(SignatureMember)
	if err != nil {
		return err
	}
	var m Manifest
	if err := decodeStrict(mj, &m); err != nil {
		return fmt.Errorf("%w: %v", ErrManifest, err)
	}
	if m.Format != Format {
		return fmt.Errorf("%w: format is %q; this tool reads %q", ErrManifest, m.Format, Format)
	}
	if len(m.DevicePublicKey) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: device_public_key is not an Ed25519 key", ErrManifest)
	}
	if !seal.Verify(m.DevicePublicKey, mj, sig) {
		return ErrBadSignature
	}
	if err := m.check(); err != nil {
		return fmt.Errorf("%w: %v", ErrManifest, err)
	}
	b.Manifest, b.ManifestJSON = m, mj
	ms := sha256.Sum256(mj)
	b.ManifestSHA256 = hex.EncodeToString(ms[:])

	if len(m.Files) != len(DataMembers) {
		return fmt.Errorf("%w: it lists %d files, not %d", ErrManifest, len(m.Files), len(DataMembers))
	}
	for i, want := range m.Files {
		if want.Name != DataMembers[i] {
			return fmt.Errorf("%w: files[%d] is %q, not %q", ErrManifest, i, want.Name, DataMembers[i])
		}
		c := got[want.Name]
		switch {
		case c.info.SHA256 != want.SHA256:
			return fmt.Errorf("%w: %s", ErrHashMismatch, want.Name)
		case c.info.Bytes != want.Bytes:
			return fmt.Errorf("%w: %s has %d bytes, the manifest says %d", ErrHashMismatch, want.Name, c.info.Bytes, want.Bytes)
		case c.info.Lines != want.Lines:
			return fmt.Errorf("%w: %s has %d lines, the manifest says %d", ErrCountMismatch, want.Name, c.info.Lines, want.Lines)
		case c.info.Bytes > 0 && c.last != '\n':
			return fmt.Errorf("%w: %s does not end with a newline", ErrRecord, want.Name)
		}
	}
	return b.checkRecords()
}

// check looks at the manifest's own fields.
func (m *Manifest) check() error {
	switch {
	case m.BatchID == "" || m.DeviceID == "":
		return errors.New("batch_id or device_id is empty")
	case m.Seq < 1:
		return fmt.Errorf("seq is %d", m.Seq)
	case m.Seq == 1 && m.PrevManifestSHA256 != "":
		return errors.New("batch 1 names a previous manifest")
	case m.Seq > 1 && !isHex(m.PrevManifestSHA256, 64):
		return errors.New("prev_manifest_sha256 is not a SHA-256")
	case m.CreatedAt == "":
		return errors.New("created_at is empty")
	}
	for _, s := range m.Surveys {
		if !isHex(s.SHA256, 64) || s.ID == "" {
			return errors.New("a survey has no id or sha256")
		}
	}
	return nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// checkRecords decodes every line of every data member.
func (b *Batch) checkRecords() error {
	m := &b.Manifest
	var declined int64
	if err := b.Declined(func(d Declined) error { declined += d.Count; return nil }); err != nil {
		return err
	}
	if declined != m.Counts.Declined {
		return fmt.Errorf("%w: declined.jsonl counts %d people, the manifest says %d", ErrCountMismatch, declined, m.Counts.Declined)
	}
	lines := map[string]int64{}
	for _, f := range m.Files {
		lines[f.Name] = f.Lines
	}
	for _, c := range []struct {
		name string
		n    int64
	}{{ResponsesMember, m.Counts.Responses}, {ConsentsMember, m.Counts.Consents}, {WithdrawalsMember, m.Counts.Withdrawals},
		{AuditMember, m.Counts.Audit}, {SurveysMember, m.Counts.Surveys}} {
		if lines[c.name] != c.n {
			return fmt.Errorf("%w: %s has %d lines, counts say %d", ErrCountMismatch, c.name, lines[c.name], c.n)
		}
	}
	surveys := map[string]bool{}
	if err := b.Surveys(func(s SurveyDef) error {
		sum := sha256.Sum256(s.Body)
		if hex.EncodeToString(sum[:]) != s.SHA256 {
			return fmt.Errorf("%w: survey %s: body does not match its sha256", ErrHashMismatch, s.ID)
		}
		if !slices.Contains(m.Surveys, SurveyRef{ID: s.ID, Version: s.Version, SHA256: s.SHA256}) {
			return fmt.Errorf("%w: surveys.jsonl holds survey %s version %d, which the manifest does not list", ErrRecord, s.ID, s.Version)
		}
		surveys[s.SHA256] = true
		return nil
	}); err != nil {
		return err
	}
	if len(surveys) != len(m.Surveys) {
		return fmt.Errorf("%w: surveys.jsonl does not hold every survey the manifest lists", ErrRecord)
	}
	if err := b.Responses(func(r Response) error {
		if !surveys[r.SurveySHA256] {
			return fmt.Errorf("%w: response %s names a survey the batch does not carry", ErrRecord, r.ID)
		}
		return nil
	}); err != nil {
		return err
	}
	for _, each := range []func() error{
		func() error { return b.Consents(func(Consent) error { return nil }) },
		func() error { return b.Withdrawals(func(Withdrawal) error { return nil }) },
		func() error { return b.Audit(func(AuditEvent) error { return nil }) },
	} {
		if err := each(); err != nil {
			return err
		}
	}
	return nil
}

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

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type lineCounter struct {
	lines int64
	last  byte
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.lines += int64(bytes.Count(p, newline))
	if len(p) > 0 {
		l.last = p[len(p)-1]
	}
	return len(p), nil
}

type zeroChecker struct{}

func (zeroChecker) Write(p []byte) (int, error) {
	for _, c := range p {
		if c != 0 {
			return 0, errors.New("non-zero data")
		}
	}
	return len(p), nil
}
