package batch

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// TestAsyncWriterTakesLinesInPlace: lines appended to AvailableBuffer and
// written, mixed with plain writes, reach the writer behind in order and
// intact, whether they fit the room offered, fill a buffer exactly, or
// are larger than a whole buffer; and a failure behind is reported to the
// in-place writes too.
func TestAsyncWriterTakesLinesInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var got, want bytes.Buffer
	a := newAsyncWriter(&got, nil)
	inPlace := 0
	pattern := make([]byte, 3*asyncBufferSize)
	for j := range pattern {
		pattern[j] = byte('a' + j%26)
	}
	for i := range 1000 {
		var n int
		switch {
		case i%50 == 0:
			n = r.IntN(3 * asyncBufferSize) // larger than a buffer, often
		case i%40 == 1:
			n = cap(a.buf) - len(a.buf) // exactly the room left
		default:
			n = r.IntN(6000)
		}
		line := pattern[i%26 : i%26+n]
		want.Write(line)
		if i%3 == 0 {
			if _, err := a.Write(line); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b := append(a.AvailableBuffer(), line...)
		if len(b) > 0 && cap(a.buf) > len(a.buf) && &a.buf[:len(a.buf)+1][len(a.buf)] == &b[0] {
			inPlace++
		}
		if _, err := a.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("wrote %d bytes, got %d, and they differ", want.Len(), got.Len())
	}
	if inPlace < 400 {
		t.Errorf("only %d of 666 lines were taken in place", inPlace)
	}

	// A writer behind that fails: the in-place writes report it.
	boom := errors.New("boom")
	f := newAsyncWriter(failAfter{boom}, nil)
	var err error
	zeros := make([]byte, 10000)
	for range 10000 {
		if _, err = f.Write(append(f.AvailableBuffer(), zeros...)); err != nil {
			break
		}
	}
	if !errors.Is(err, boom) {
		t.Errorf("in-place writes to a failing stage: %v, want %v", err, boom)
	}
	f.stop()
}

type failAfter struct{ err error }

func (f failAfter) Write([]byte) (int, error) { return 0, f.err }

// TestChainedStagesLendBuffers: two stages chained as the export chains
// them (the first's goroutine writing, through a writer that adds bytes
// of its own as a tar does, to the second) deliver every byte in order,
// while the first's whole buffers go to the second without a copy and
// are only reused once written: the writer at the end is slow at times,
// so a buffer given back too early would be overwritten by later bytes
// before it was written. A failure at the end reaches the first stage,
// and both stop.
func TestChainedStagesLendBuffers(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	fill := rand.NewChaCha8([32]byte{9})
	var got, want bytes.Buffer
	end := &slowWriter{w: &got}
	second := newAsyncWriter(end, nil)
	taken, passed := 0, 0
	between := writerFunc(func(p []byte) (int, error) {
		passed++
		if passed%7 == 0 { // a header of its own, as a tar member's
			if _, err := second.Write([]byte("<header>")); err != nil {
				return 0, err
			}
		}
		n, err := second.Write(p)
		if second.adopted {
			taken++
		}
		return n, err
	})
	first := newAsyncWriter(between, second)
	for i := range 200 {
		line := make([]byte, r.IntN(3*asyncBufferSize/4))
		fill.Read(line)
		if i%2 == 0 {
			line = append(first.AvailableBuffer(), line...)
		}
		// The headers "between" adds are checked by count and removed
		// below: where each lands depends on the buffers.
		want.Write(line)
		if _, err := first.Write(line); err != nil {
			t.Fatal(err)
		}
		if i%40 == 0 {
			if err := first.do(func() error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	headers := bytes.Count(got.Bytes(), []byte("<header>"))
	if headers != passed/7 {
		t.Fatalf("%d headers arrived, want %d", headers, passed/7)
	}
	if out := bytes.ReplaceAll(got.Bytes(), []byte("<header>"), nil); !bytes.Equal(out, want.Bytes()) {
		t.Fatalf("wrote %d bytes, %d arrived, and they differ", want.Len(), len(out))
	}
	if taken < passed*9/10 {
		t.Errorf("%d of %d buffers went on without a copy", taken, passed)
	}

	// The end fails: the first stage reports it, and both stop.
	boom := errors.New("boom")
	second = newAsyncWriter(failAfter{boom}, nil)
	first = newAsyncWriter(second, second)
	var err error
	for range 1000 {
		if _, err = first.Write(make([]byte, 10000)); err != nil {
			break
		}
	}
	if err == nil {
		err = first.Close()
	}
	if !errors.Is(err, boom) {
		t.Errorf("writes through a failing stage: %v, want %v", err, boom)
	}
	first.stop()
	second.stop()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// slowWriter writes to w, pausing now and then.
type slowWriter struct {
	w io.Writer
	n int
}

func (s *slowWriter) Write(p []byte) (int, error) {
	s.n++
	if s.n%5 == 0 {
		time.Sleep(200 * time.Microsecond)
	}
	return s.w.Write(p)
}
