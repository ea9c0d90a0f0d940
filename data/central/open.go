package central

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"io"

	"chorus/data/seal"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// age's payload format (https://age-encryption.org/v1): after the header
// a 16-byte nonce, then chunks of 64 KiB of plaintext sealed with
// ChaCha20-Poly1305 under HKDF-SHA256(file key, nonce, "payload"), the
// chunk counter in the nonce and a last-chunk flag.
const (
	ageChunk      = 64 << 10
	ageNonceSize  = 16
	ageMACLinePre = "\n--- "
)

// openSealed decrypts a sealed response into buf (reset first).
//
// A response's answers fit in one chunk. For those it lets age unwrap the
// file key from the header (which age authenticates with the header MAC)
// and opens the single, last chunk itself, because age's readers take a
// 64 KiB buffer per file and merging opens a hundred thousand of them.
// Anything else goes through age.Decrypt.
func openSealed(ids []age.Identity, sealed []byte, buf *bytes.Buffer) error {
	buf.Reset()
	end := -1
	if i := bytes.Index(sealed, []byte(ageMACLinePre)); i >= 0 {
		if j := bytes.IndexByte(sealed[i+1:], '\n'); j >= 0 {
			end = i + 1 + j + 1
		}
	}
	if end < 0 || len(sealed)-end-ageNonceSize > ageChunk+chacha20poly1305.Overhead {
		return openWithAge(ids, sealed, buf)
	}
	fileKey, err := age.DecryptHeader(sealed[:end], ids...)
	if err != nil {
		return err
	}
	defer clear(fileKey)
	payload := sealed[end:]
	if len(payload) < ageNonceSize+chacha20poly1305.Overhead {
		return errors.New("sealed payload is truncated")
	}
	key, err := hkdf.Key(sha256.New, fileKey, payload[:ageNonceSize], "payload", chacha20poly1305.KeySize)
	if err != nil {
		return err
	}
	defer clear(key)
	aead, err := chacha20poly1305.New(key)
	if err != nil {
		return err
	}
	var nonce [chacha20poly1305.NonceSize]byte
	nonce[len(nonce)-1] = 1 // chunk 0, the last
	buf.Grow(len(payload))
	plain, err := aead.Open(buf.AvailableBuffer(), nonce[:], payload[ageNonceSize:], nil)
	if err != nil {
		return errors.New("failed to decrypt and authenticate payload chunk, file may be corrupted or tampered with")
	}
	buf.Write(plain) // in place: plain is buf's own free space
	return nil
}

func openWithAge(ids []age.Identity, sealed []byte, buf *bytes.Buffer) error {
	r, err := age.Decrypt(bytes.NewReader(sealed), ids...)
	if err != nil {
		return err
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, seal.MaxPayload+1)); err != nil {
		return err
	}
	if buf.Len() > seal.MaxPayload {
		return errors.New("sealed payload is too large")
	}
	return nil
}
