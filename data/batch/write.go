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
	// WriteMember writes member name to w, one JSON line per record.
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
	ManifestSHA256 string // hex, of ManifestJSON
	TarSHA256      string // hex, of the whole plaintext tar
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
// documentation); Result.TarSHA256 identifies it. The age layer is
// randomised, so the bytes written to w differ every time.
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
	tarHash := sha256.New()
	// Encryption, the tar's hash and the writes to w run on a second core
	// while this one reads the records.
	aw := newAsyncWriter(io.MultiWriter(tarHash, enc))
	defer aw.stop()
	cw := &countWriter{w: aw}
	tw := tar.NewWriter(cw)

	m.Format = Format
	m.Files = m.Files[:0]
	mw := &memberWriter{h: sha256.New(), progress: progress, total: total}
	for i, name := range DataMembers {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := tw.WriteHeader(header(name, sizes[i].bytes)); err != nil {
			return res, err
		}
		mw.reset(tw)
		if err := src.WriteMember(ctx, name, mw); err != nil {
			if errors.Is(err, tar.ErrWriteTooLong) {
				err = ErrSourceChanged
			}
			return res, fmt.Errorf("%s: %w", name, err)
		}
		if mw.n != sizes[i].bytes || mw.lines != sizes[i].lines {
			return res, fmt.Errorf("%s: %w", name, ErrSourceChanged)
		}
		m.Files = append(m.Files, FileInfo{Name: name, Bytes: mw.n, Lines: mw.lines, SHA256: hex.EncodeToString(mw.h.Sum(nil))})
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
	if err := aw.Close(); err != nil {
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
		TarSHA256:      hex.EncodeToString(tarHash.Sum(nil)),
		TarBytes:       cw.n,
	}, nil
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

// memberWriter passes a member's bytes to the tar while hashing them and
// counting bytes and lines.
type memberWriter struct {
	w        io.Writer
	h        hash.Hash
	n, lines int64
	done     int64 // lines over all members, for progress
	total    int64
	progress Progress
}

func (m *memberWriter) reset(w io.Writer) {
	m.w = w
	m.h.Reset()
	m.n, m.lines = 0, 0
}

func (m *memberWriter) Write(p []byte) (int, error) {
	n, err := m.w.Write(p)
	m.h.Write(p[:n])
	m.n += int64(n)
	k := int64(bytes.Count(p[:n], newline))
	before := m.done
	m.lines += k
	m.done += k
	if m.progress != nil && m.done/1024 != before/1024 {
		m.progress(m.done, m.total)
	}
	return n, err
}

// asyncWriter passes writes, in 64 KiB buffers, to a goroutine that writes
// them to w. At most asyncBuffers buffers are in flight.
type asyncWriter struct {
	full chan []byte
	free chan []byte
	done chan struct{}
	buf  []byte
	err  error // the goroutine's first error, read after done or via failed
	fail chan struct{}
}

const asyncBuffers = 4

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{
		full: make(chan []byte, asyncBuffers),
		free: make(chan []byte, asyncBuffers),
		done: make(chan struct{}),
		fail: make(chan struct{}),
	}
	for range asyncBuffers {
		a.free <- make([]byte, 0, 64<<10)
	}
	a.buf = <-a.free
	full := a.full
	go func() {
		defer close(a.done)
		for b := range full {
			if a.err == nil {
				if _, err := w.Write(b); err != nil {
					a.err = err
					close(a.fail)
				}
			}
			a.free <- b[:0]
		}
	}()
	return a
}

func (a *asyncWriter) Write(p []byte) (int, error) {
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
			a.full <- a.buf
			a.buf = <-a.free
		}
	}
	return n, nil
}

// Close writes what is buffered and waits for the goroutine.
func (a *asyncWriter) Close() error {
	if a.full == nil {
		return a.err
	}
	if len(a.buf) > 0 {
		a.full <- a.buf
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
