package store

import (
	"bytes"
	stdbase64 "encoding/base64"
	"math/rand/v2"
	"testing"
)

// TestAppendBase64IsEncodingBase64: the vectorised encoder gives exactly
// encoding/base64's standard encoding, padding included, for every length
// from 0 to 300 (around its 28-byte minimum and its 24-byte blocks) and
// for large payloads, appended after what dst already holds.
func TestAppendBase64IsEncodingBase64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lengths := []int{64<<10 + 1, 1 << 20}
	for n := range 301 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		prefix := []byte(`{"sealed":"`)
		got := appendBase64(bytes.Clone(prefix), src)
		want := stdbase64.StdEncoding.AppendEncode(bytes.Clone(prefix), src)
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: appendBase64 differs from encoding/base64", n)
		}
	}
}
