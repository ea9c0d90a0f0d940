package batch

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// TestAsyncWriterTakesLinesInPlace: lines appended to AvailableBuffer and
// written, mixed with plain writes, reach the writer behind in order and
// intact, whether they fit the room offered, fill a buffer exactly, or
// are larger than a whole buffer; and a failure behind is reported to the
// in-place writes too.
func TestAsyncWriterTakesLinesInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var got, want bytes.Buffer
	a := newAsyncWriter(&got)
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
		case i%10 == 1:
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
	f := newAsyncWriter(failAfter{boom})
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
