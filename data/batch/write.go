package batch

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"time"

	"chorus/data/seal"
)

// Source supplies the data members of one batch.
type Source interface {
	// WriteMember writes member name to w, one line per record as
	// [AppendLine] encodes it.
	WriteMember(ctx context.Context, name string, w io.Writer) error
}

// Progress reports how many records (lines) [Write] has written so far.
type Progress func(done int64)

// WriteOptions tune [Write].
type WriteOptions struct {
	// Progress, if set, is called now and then, from one goroutine at a
	// time, and once at the end.
	Progress Progress
	// TempDir is where a member too large to hold in memory waits until
	// its size is known (see [Write]); "" for os.TempDir. The file is
	// private (0600), has no name while it is used where the system
	// allows, and is gone when Write returns.
	TempDir string
}

// Result is what [Write] produced.
type Result struct {
	Manifest       Manifest
	ManifestJSON   []byte // the exact signed bytes
	ManifestSHA256 string // hex, of ManifestJSON; identifies the tar
	TarBytes       int64
}

// modTime is every member's modification time: the Unix epoch, so the tar
// does not depend on when it was written.
var modTime = time.Unix(0, 0).UTC()

// header returns the tar header of a member: a regular file, mode 0644,
// owned by 0:0 with no names, USTAR so no extended records appear.
func header(name string, size int64) *tar.Header {
	return &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     size,
		Mode:     0o644,
		ModTime:  modTime,
		Format:   tar.FormatUSTAR,
	}
}

// Write writes a batch to w: the plaintext tar, encrypted with age to rs.
//
// m supplies the header fields; Write sets Format, Files and every count
// but Counts.Declined, which the caller sets. The data members come from
// src in [DataMembers] order, then manifest.json and manifest.sig, signed
// with key.
//
// A tar header gives its member's size, so each member is written once
// to a spool before its header: in memory while it is small (up to
// spoolMemory bytes), beyond that to a temporary file in opts.TempDir;
// then it is copied into the tar. Memory use does not grow with the
// number of records.
//
// The work is shared between goroutines, each handing what it made on to
// the next, never back: src encodes a member's records; they are hashed
// and spooled (a [stage]); the finished member is copied into the tar
// while src encodes the next one; the tar is encrypted and written to w
// (a stage).
//
// The tar is a function of src and m alone (see the package
// documentation), and the manifest holds every data member's SHA-256, so
// Result.ManifestSHA256 identifies the tar: two tars with the same
// manifest are the same bytes. The age layer is randomised, so the bytes
// written to w differ every time.
func Write(ctx context.Context, w io.Writer, m Manifest, src Source, key seal.DeviceKey, rs []seal.Recipient, opts WriteOptions) (Result, error) {
	enc, err := seal.Encrypt(w, rs)
	if err != nil {
		return Result{}, err
	}
	out := newStage(enc)
	defer out.Close()
	cw := &countWriter{w: out}
	tw := tar.NewWriter(cw)
	// The members are spooled on a goroutine of their own, one ahead of
	// the tar.
	ctx, cancel := context.WithCancel(ctx)
	members := make(chan spooled)
	go spoolMembers(ctx, src, opts, members)
	defer func() {
		cancel()
		for sm := range members {
			sm.sp.close()
		}
	}()

	m.Format = Format
	m.Files = make([]FileInfo, len(DataMembers))
	var done int64
	for i, name := range DataMembers {
		sm, ok := <-members
		if !ok {
			return Result{}, ctx.Err()
		}
		err := sm.err
		if err == nil {
			err = tw.WriteHeader(header(name, sm.info.Bytes))
		}
		if err == nil {
			err = sm.sp.copyTo(tw)
		}
		sm.sp.close()
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", name, err)
		}
		m.Files[i], done = sm.info, sm.done
	}
	lines := func(i int) int64 { return m.Files[i].Lines }
	m.Counts.Responses, m.Counts.Consents, m.Counts.Withdrawals = lines(0), lines(1), lines(3)
	m.Counts.Audit, m.Counts.Surveys = lines(4), lines(5)

	mj, err := json.Marshal(&m)
	if err != nil {
		return Result{}, err
	}
	mj = append(mj, '\n')
	sig := key.Sign(mj)
	for _, f := range []struct {
		name string
		data []byte
	}{{ManifestMember, mj}, {SignatureMember, sig}} {
		if err := tw.WriteHeader(header(f.name, int64(len(f.data)))); err != nil {
			return Result{}, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return Result{}, err
		}
	}
	if err := tw.Close(); err != nil {
		return Result{}, err
	}
	if err := out.Close(); err != nil {
		return Result{}, err
	}
	if err := enc.Close(); err != nil {
		return Result{}, err
	}
	if opts.Progress != nil {
		opts.Progress(done)
	}
	ms := sha256.Sum256(mj)
	return Result{
		Manifest:       m,
		ManifestJSON:   mj,
		ManifestSHA256: hex.EncodeToString(ms[:]),
		TarBytes:       cw.n,
	}, nil
}

// spooled is one data member, written to its spool, or the error that
// stopped it.
type spooled struct {
	sp   *spool
	info FileInfo
	done int64 // lines written so far, over all members
	err  error
}

// spoolMembers has src write each data member in turn to a spool of its
// own, and sends each on out; it stops after an error, or when ctx is
// done, and then closes out.
func spoolMembers(ctx context.Context, src Source, opts WriteOptions, out chan<- spooled) {
	defer close(out)
	mw := &memberWriter{h: sha256.New(), progress: opts.Progress}
	for _, name := range DataMembers {
		sm := spooled{sp: &spool{dir: opts.TempDir}}
		mw.reset(sm.sp)
		in := newStage(mw)
		sm.err = ctx.Err()
		if sm.err == nil {
			sm.err = src.WriteMember(ctx, name, in)
		}
		if err := in.Close(); sm.err == nil {
			sm.err = err
		}
		sm.info = FileInfo{Name: name, Bytes: mw.bytes, Lines: mw.lines, SHA256: hex.EncodeToString(mw.h.Sum(nil))}
		sm.done = mw.done
		select {
		case out <- sm:
		case <-ctx.Done():
			sm.sp.close()
			return
		}
		if sm.err != nil {
			return
		}
	}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var newline = []byte{'\n'}

// memberWriter hashes and counts a member's bytes and lines on their way
// to w, and reports progress over all members every 1,024 lines.
type memberWriter struct {
	w            io.Writer
	h            hash.Hash
	bytes, lines int64 // of this member
	done         int64 // lines, over all members
	progress     Progress
}

func (m *memberWriter) reset(w io.Writer) {
	m.w = w
	m.h.Reset()
	m.bytes, m.lines = 0, 0
}

func (m *memberWriter) Write(p []byte) (int, error) {
	n, err := m.w.Write(p)
	m.h.Write(p[:n])
	m.bytes += int64(n)
	k := int64(bytes.Count(p[:n], newline))
	before := m.done
	m.lines += k
	m.done += k
	if m.progress != nil && m.done/1024 != before/1024 {
		m.progress(m.done)
	}
	return n, err
}

// stage writes to w on a goroutine of its own, so that what comes before
// it and what comes after share the CPUs. Its Write hands p over through
// an [io.Pipe]: it returns once the goroutine has taken all of p, and
// nothing is buffered or lent.
type stage struct {
	pw   *io.PipeWriter
	done chan error
	err  error
}

func newStage(w io.Writer) *stage {
	pr, pw := io.Pipe()
	s := &stage{pw: pw, done: make(chan error, 1)}
	go func() {
		_, err := io.Copy(w, pr)
		pr.CloseWithError(err) // a failed w fails the next Write
		s.done <- err
	}()
	return s
}

func (s *stage) Write(p []byte) (int, error) { return s.pw.Write(p) }

// Close waits until the goroutine has written everything to w and returns
// its error. Only the first call waits.
func (s *stage) Close() error {
	if s.done != nil {
		s.pw.Close()
		s.err = <-s.done
		s.done = nil
	}
	return s.err
}
