package batch

import (
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReadBackChecksEveryPiece: the read-back, which checks a file's
// pieces on several goroutines, finds one changed byte in any piece (the
// first, a middle one, the short last one), a byte too many or too few,
// and passes the file as written, whatever its length; the piece sums
// do not depend on how the writes were cut.
func TestReadBackChecksEveryPiece(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fill := rand.NewChaCha8([32]byte{5})
	for _, size := range []int{0, 1, pieceSize - 1, pieceSize, 2 * pieceSize, 2*pieceSize + 12345} {
		data := make([]byte, size)
		fill.Read(data)
		// Written in pieces of awkward sizes.
		sums := &pieceSums{}
		for b := data; len(b) > 0; {
			k := min(len(b), 1+r.IntN(3<<20))
			sums.Write(b[:k])
			b = b[k:]
		}
		got := sums.done()
		var want []uint32
		for b := data; len(b) > 0; b = b[min(len(b), pieceSize):] {
			want = append(want, crc32.Checksum(b[:min(len(b), pieceSize)], castagnoli))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%d bytes: piece sums %x, want %x", size, got, want)
		}

		path := filepath.Join(t.TempDir(), "batch")
		write := func(b []byte) {
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write(data)
		if err := readBack(path, int64(size), got); err != nil {
			t.Errorf("%d bytes as written: %v", size, err)
		}
		var damaged []int // offsets to change
		if size > 0 {
			damaged = append(damaged, 0, size/2, size-1)
		}
		for _, off := range damaged {
			changed := slices.Clone(data)
			changed[off] ^= 0x10
			write(changed)
			if err := readBack(path, int64(size), got); !errors.Is(err, ErrReadBack) {
				t.Errorf("%d bytes, byte %d changed: %v, want ErrReadBack", size, off, err)
			}
		}
		write(append(slices.Clone(data), 'x'))
		if err := readBack(path, int64(size), got); !errors.Is(err, ErrReadBack) {
			t.Errorf("%d bytes, one appended: %v, want ErrReadBack", size, err)
		}
		if size > 0 {
			write(data[:size-1])
			if err := readBack(path, int64(size), got); !errors.Is(err, ErrReadBack) {
				t.Errorf("%d bytes, last one missing: %v, want ErrReadBack", size, err)
			}
		}
	}
}
