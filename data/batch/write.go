package batch

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"chorus/data/seal"
)

// Source supplies the data members of one batch. [Write] asks for every
// member's size first and then for its bytes, so a Source must give the
// same bytes both times: read from one database snapshot.
type Source interface {
	// Size returns the exact length in bytes and the number of lines of
	// member name.
	Size(ctx context.Context, name string) (bytes, lines int64, err error)
	// WriteMember writes member name to w, one JSON line per record. w
	// also has AvailableBuffer() []byte, as bufio.Writer does: a line
	// appended to it and passed to the next Write reaches the tar stage
	// without being copied.
	WriteMember(ctx context.Context, name string, w io.Writer) error
}

// ErrSourceChanged is returned by [Write] when a member's bytes differ from
// the size its [Source] announced: the records changed while being written.
var ErrSourceChanged = errors.New("records changed while the batch was written")

// Progress reports how far [Write] has come, in records (lines).
type Progress func(done, total int64)

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
// with key. Memory use does not grow with the number of records.
//
// The tar is a function of src and m alone (see the package
// documentation), and the manifest holds every data member's SHA-256, so
// Result.ManifestSHA256 identifies the tar: two tars with the same
// manifest are the same bytes. The age layer is randomised, so the bytes
// written to w differ every time.
//
// The work runs in three stages, each on its own goroutine so that they
// share the CPUs: src writes the members (on the caller's goroutine, which
// also counts lines and calls progress); the members are hashed and put
// in the tar; the tar is encrypted and written to w.
func Write(ctx context.Context, w io.Writer, m Manifest, src Source, key seal.DeviceKey, rs []seal.Recipient, progress Progress) (Result, error) {
	var res Result
	type sized struct{ bytes, lines int64 }
	sizes := make([]sized, len(DataMembers))
	var total int64
	for i, name := range DataMembers {
		b, l, err := src.Size(ctx, name)
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		sizes[i] = sized{b, l}
		total += l
	}

	enc, err := seal.Encrypt(w, rs)
	if err != nil {
		return res, err
	}
	// Third stage: encryption and the writes to w.
	encStage := newAsyncWriter(enc, nil)
	defer encStage.stop()
	cw := &countWriter{w: encStage}
	tw := tar.NewWriter(cw)
	// Second stage: the members' hashes and the tar. Its buffers of
	// member bytes go on to the third stage as they are (lent, not
	// copied).
	mw := &memberWriter{h: sha256.New()}
	tarStage := newAsyncWriter(mw, encStage)
	defer tarStage.stop()

	m.Format = Format
	m.Files = make([]FileInfo, len(DataMembers))
	lc := &progressCounter{w: tarStage, progress: progress, total: total}
	for i, name := range DataMembers {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		size := sizes[i].bytes
		if err := tarStage.do(func() error {
			mw.reset(tw)
			return tw.WriteHeader(header(name, size))
		}); err != nil {
			return res, stageError(name, err)
		}
		lc.lines = 0
		if err := src.WriteMember(ctx, name, lc); err != nil {
			return res, stageError(name, err)
		}
		if lc.lines != sizes[i].lines {
			return res, fmt.Errorf("%s: %w", name, ErrSourceChanged)
		}
		file := &m.Files[i]
		if err := tarStage.do(func() error {
			if mw.n != size {
				return fmt.Errorf("%s: %w", name, ErrSourceChanged)
			}
			*file = FileInfo{Name: name, Bytes: mw.n, SHA256: hex.EncodeToString(mw.h.Sum(nil))}
			return nil
		}); err != nil {
			return res, stageError(name, err)
		}
	}
	// Once the second stage has finished, this goroutine has the tar.
	if err := tarStage.Close(); err != nil {
		return res, stageError("", err)
	}
	for i := range m.Files {
		m.Files[i].Lines = sizes[i].lines
	}
	lines := func(i int) int64 { return sizes[i].lines }
	m.Counts.Responses, m.Counts.Consents, m.Counts.Withdrawals = lines(0), lines(1), lines(3)
	m.Counts.Audit, m.Counts.Surveys = lines(4), lines(5)

	mj, err := json.Marshal(&m)
	if err != nil {
		return res, err
	}
	mj = append(mj, '\n')
	sig := key.Sign(mj)
	for _, f := range []struct {
		name string
		data []byte
	}{{ManifestMember, mj}, {SignatureMember, sig}} {
		if err := tw.WriteHeader(header(f.name, int64(len(f.data)))); err != nil {
			return res, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return res, err
		}
	}
	if err := tw.Close(); err != nil {
		return res, err
	}
	if err := encStage.Close(); err != nil {
		return res, err
	}
	if err := enc.Close(); err != nil {
		return res, err
	}
	if progress != nil {
		progress(total, total)
	}
	ms := sha256.Sum256(mj)
	return Result{
		Manifest:       m,
		ManifestJSON:   mj,
		ManifestSHA256: hex.EncodeToString(ms[:]),
		TarBytes:       cw.n,
	}, nil
}

// stageError names the member an error of a stage came with, and turns a
// member longer than its size into [ErrSourceChanged].
func stageError(name string, err error) error {
	if errors.Is(err, ErrSourceChanged) {
		return err // named where it was found
	}
	if errors.Is(err, tar.ErrWriteTooLong) {
		err = ErrSourceChanged
	}
	if name == "" {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

var newline = []byte{'\n'}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// memberWriter passes a member's bytes to the tar while hashing and
// counting them.
type memberWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (m *memberWriter) reset(w io.Writer) {
	m.w = w
	m.h.Reset()
	m.n = 0
}

// Write hashes p before passing it on: the stage after may take p itself
// (see [asyncWriter.lend]) and give it back for reuse before this returns.
func (m *memberWriter) Write(p []byte) (int, error) {
	m.h.Write(p)
	n, err := m.w.Write(p)
	m.n += int64(n)
	return n, err
}

// progressCounter counts a member's lines on its way to w and reports
// progress over all members.
type progressCounter struct {
	w        *asyncWriter
	lines    int64 // of this member
	done     int64 // over all members
	total    int64
	progress Progress
}

// AvailableBuffer is [asyncWriter.AvailableBuffer].
func (l *progressCounter) AvailableBuffer() []byte { return l.w.AvailableBuffer() }

func (l *progressCounter) Write(p []byte) (int, error) {
	k := int64(bytes.Count(p, newline))
	before := l.done
	l.lines += k
	l.done += k
	if l.progress != nil && l.done/1024 != before/1024 {
		l.progress(l.done, l.total)
	}
	return l.w.Write(p)
}

// asyncWriter passes writes, in 1 MiB buffers, to a goroutine that writes
// them to w, and runs functions there in order with them ([asyncWriter.do]).
// At most asyncBuffers buffers are in flight.
//
// Two asyncWriters can be chained, the goroutine of the first writing
// (through anything that passes slices on unchanged, such as a tar
// member) to the second: then a whole buffer of the first reaching the
// second is queued there as it is, and goes back to the first once
// written, instead of being copied ([asyncWriter.lend]).
type asyncWriter struct {
	full chan asyncItem
	free chan []byte
	done chan struct{}
	buf  []byte
	err  error // the goroutine's first error, read after done or via fail
	fail chan struct{}

	// Set by the stage before, on its goroutine, around each of its
	// buffers it writes here: see lend.
	lent    []byte
	lentTo  chan<- []byte
	adopted bool
}

// asyncItem is a buffer to write or a function to run. A buffer lent by
// the stage before goes back to it, on release, once written.
type asyncItem struct {
	b       []byte
	fn      func() error
	release chan<- []byte
}

// asyncBuffers buffers of asyncBufferSize bytes are in flight per stage:
// 8 MiB in all, whatever the size of the batch. Each hand-over between
// stages can wake a goroutine, and on this project's 2-core test machine
// a wake-up often waits for an idle processor to start again. With 1 MiB
// buffers (200 hand-overs per stage for 100,000 responses) that export
// was 8% faster than with 256 KiB ones, and with 2 MiB only 2% faster
// again. A small batch does not fill them, so its peak memory is lower,
// by at most the buffers.
const (
	asyncBuffers    = 4
	asyncBufferSize = 1024 << 10
)

// newAsyncWriter starts a stage writing to w. If next is not nil, w leads
// (on this stage's goroutine) to next, which may take this stage's
// buffers instead of copying them.
func newAsyncWriter(w io.Writer, next *asyncWriter) *asyncWriter {
	a := &asyncWriter{
		full: make(chan asyncItem, asyncBuffers),
		free: make(chan []byte, asyncBuffers),
		done: make(chan struct{}),
		fail: make(chan struct{}),
	}
	for range asyncBuffers {
		a.free <- make([]byte, 0, asyncBufferSize)
	}
	a.buf = <-a.free
	full := a.full
	go func() {
		defer close(a.done)
		for it := range full {
			taken := false
			if a.err == nil {
				var err error
				if it.fn != nil {
					err = it.fn()
				} else {
					next.lend(it.b, a.free)
					_, err = w.Write(it.b)
					taken = next.lendEnd()
				}
				if err != nil {
					a.err = err
					close(a.fail)
				}
			}
			switch {
			case it.release != nil:
				it.release <- it.b[:0]
			case it.fn == nil && !taken:
				a.free <- it.b[:0]
			}
		}
	}()
	return a
}

// lend tells a (if not nil) that b, a buffer of the stage before, is about
// to be written to it, and that it goes back on free once written: a
// Write of exactly b then queues b itself rather than a copy. Both calls
// run on the stage before's goroutine, around its Write.
func (a *asyncWriter) lend(b []byte, free chan<- []byte) {
	if a != nil {
		a.lent, a.lentTo, a.adopted = b, free, false
	}
}

// lendEnd ends what lend began, and says whether a took the buffer: if
// so, a gives it back on free, and the stage before must not reuse it
// until then.
func (a *asyncWriter) lendEnd() bool {
	if a == nil {
		return false
	}
	taken := a.adopted
	a.lent, a.lentTo, a.adopted = nil, nil, false
	return taken
}

// availableMin is the least room [asyncWriter.AvailableBuffer] offers
// (unless its buffer is empty): more than a record's line, as a rule.
const availableMin = 16 << 10

// AvailableBuffer returns an empty slice over the free end of the buffer
// being filled, as bufio.Writer's does: bytes appended to it and passed to
// the next Write are taken where they are, without a copy. A buffer with
// less than availableMin bytes free is passed on first.
func (a *asyncWriter) AvailableBuffer() []byte {
	if len(a.buf) > 0 && cap(a.buf)-len(a.buf) < availableMin {
		a.full <- asyncItem{b: a.buf}
		a.buf = <-a.free
	}
	return a.buf[len(a.buf):len(a.buf)]
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	if len(p) > 0 && len(p) == len(a.lent) && &p[0] == &a.lent[0] && !a.adopted {
		// A whole buffer of the stage before (lend): queued as it is,
		// after what this stage has buffered.
		select {
		case <-a.fail:
			return 0, a.err
		default:
		}
		if len(a.buf) > 0 {
			a.full <- asyncItem{b: a.buf}
			a.buf = <-a.free
		}
		a.full <- asyncItem{b: p, release: a.lentTo}
		a.adopted = true
		return len(p), nil
	}
	if len(p) > 0 && len(p) <= cap(a.buf)-len(a.buf) && &a.buf[:len(a.buf)+1][len(a.buf)] == &p[0] {
		// Appended to AvailableBuffer: already in place.
		select {
		case <-a.fail:
			return 0, a.err
		default:
		}
		a.buf = a.buf[:len(a.buf)+len(p)]
		if len(a.buf) == cap(a.buf) {
			a.full <- asyncItem{b: a.buf}
			a.buf = <-a.free
		}
		return len(p), nil
	}
	n := 0
	for len(p) > 0 {
		select {
		case <-a.fail:
			return n, a.err
		default:
		}
		k := copy(a.buf[len(a.buf):cap(a.buf)], p)
		a.buf = a.buf[:len(a.buf)+k]
		n += k
		p = p[k:]
		if len(a.buf) == cap(a.buf) {
			a.full <- asyncItem{b: a.buf}
			a.buf = <-a.free
		}
	}
	return n, nil
}

// do runs fn on the goroutine after what was written so far. It returns
// the goroutine's error, if it has failed by then; fn's own error comes
// from a later call or from Close.
func (a *asyncWriter) do(fn func() error) error {
	select {
	case <-a.fail:
		return a.err
	default:
	}
	if len(a.buf) > 0 {
		a.full <- asyncItem{b: a.buf}
		a.buf = <-a.free
	}
	a.full <- asyncItem{fn: fn}
	return nil
}

// Close writes what is buffered and waits for the goroutine.
func (a *asyncWriter) Close() error {
	if a.full == nil {
		return a.err
	}
	if len(a.buf) > 0 {
		a.full <- asyncItem{b: a.buf}
	}
	close(a.full)
	a.full = nil
	<-a.done
	return a.err
}

// stop ends the goroutine after an error elsewhere.
func (a *asyncWriter) stop() {
	if a.full != nil {
		close(a.full)
		a.full = nil
		<-a.done
	}
}
