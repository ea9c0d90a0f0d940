package batch

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

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
