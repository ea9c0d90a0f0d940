// Package seal encrypts answers for the analyst and signs what a device
// exports.
//
// # Recipients
//
// The analyst is named by one or more age recipients: X25519 ("age1...") or
// post-quantum hybrid ("age1pq1..."). [ParseRecipients] reads them from a
// file or pasted text, one a line, and refuses to mix the two kinds (age
// would refuse later, at the first seal). Each recipient has a short
// [Fingerprint] that a coordinator reads aloud to the analyst to confirm the
// key is theirs.
//
// # Sealing
//
// [Seal] encrypts one payload to every recipient. The device never holds an
// identity that can open what it sealed; [Open] is for the analyst's side
// and for tests.
//
// # Device key
//
// Each device has an Ed25519 key pair, made at first run by [NewDeviceKey],
// with which it signs its batches.
package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
)

// Recipient is an analyst public key with the text it was parsed from.
type Recipient struct {
	age.Recipient
	Text string // age1... as given
}

// Kind is "x25519" or "pq" (post-quantum hybrid).
func (r Recipient) Kind() string {
	if strings.HasPrefix(r.Text, "age1pq1") {
		return "pq"
	}
	return "x25519"
}

// Fingerprint is the short form of r for people to compare.
func (r Recipient) Fingerprint() string { return Fingerprint(r.Text) }

// Fingerprint returns a short, readable digest of a public key's text form:
// 16 characters of base32 in groups of four, e.g. "K3QF-7XMA-2PLD-9RTE".
func Fingerprint(key string) string {
	sum := sha256.Sum256([]byte(key))
	s := base32.StdEncoding.EncodeToString(sum[:10])
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// ErrMixedKinds is returned when X25519 and post-quantum recipients are
// given together; age cannot seal to both at once.
var ErrMixedKinds = errors.New("recipients mix X25519 (age1...) and post-quantum (age1pq1...) keys; age cannot seal to both: use one kind")

// ParseRecipients reads recipients, one a line; blank lines and lines
// starting with # are ignored. Errors name the line. A private key given by
// mistake is refused without echoing it.
func ParseRecipients(text string) ([]Recipient, error) {
	if !utf8.ValidString(text) {
		return nil, errors.New("recipients are not valid UTF-8 text")
	}
	var out []Recipient
	seen := map[string]bool{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(line), "AGE-SECRET-KEY-") {
			return nil, fmt.Errorf("line %d: this is a private key (AGE-SECRET-KEY-...), which must stay with the analyst; give the public key that starts with age1", n+1)
		}
		var r age.Recipient
		var err error
		switch {
		case strings.HasPrefix(line, "age1pq1"):
			r, err = age.ParseHybridRecipient(line)
		case strings.HasPrefix(line, "age1"):
			r, err = age.ParseX25519Recipient(line)
		default:
			err = errors.New("not an age public key: it should start with age1")
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		if seen[line] {
			continue
		}
		seen[line] = true
		out = append(out, Recipient{Recipient: r, Text: line})
	}
	if len(out) == 0 {
		return nil, errors.New("no recipient found: give at least one age public key (age1...)")
	}
	for _, r := range out[1:] {
		if r.Kind() != out[0].Kind() {
			return nil, ErrMixedKinds
		}
	}
	return out, nil
}

func ageRecipients(rs []Recipient) []age.Recipient {
	out := make([]age.Recipient, len(rs))
	for i, r := range rs {
		out[i] = r.Recipient
	}
	return out
}

// Seal encrypts plaintext to every recipient (binary age format).
func Seal(rs []Recipient, plaintext []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := Encrypt(&buf, rs)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Encrypt returns a writer that encrypts to every recipient into dst; Close
// writes the last chunk.
func Encrypt(dst io.Writer, rs []Recipient) (io.WriteCloser, error) {
	if len(rs) == 0 {
		return nil, errors.New("no recipients to seal to")
	}
	return age.Encrypt(dst, ageRecipients(rs)...)
}

// MaxPayload bounds what [Open] will decrypt.
const MaxPayload = 16 << 20

// Open decrypts a sealed payload with the analyst's identities.
func Open(ids []age.Identity, sealed []byte) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), ids...)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxPayload+1))
	if err != nil {
		return nil, err
	}
	if len(out) > MaxPayload {
		return nil, errors.New("sealed payload is too large")
	}
	return out, nil
}

// ParseIdentities reads age identities (AGE-SECRET-KEY-1... and the
// post-quantum AGE-SECRET-KEY-PQ-1...), one a line, # comments allowed.
func ParseIdentities(text string) ([]age.Identity, error) {
	return age.ParseIdentities(strings.NewReader(text))
}

// DeviceKey is a device's Ed25519 signing key.
type DeviceKey struct {
	Public  ed25519.PublicKey
	Private ed25519.PrivateKey
}

// NewDeviceKey makes a new device key.
func NewDeviceKey() (DeviceKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	return DeviceKey{Public: pub, Private: priv}, err
}

// DeviceKeyFromSeed rebuilds a device key from its 32-byte seed.
func DeviceKeyFromSeed(seed []byte) (DeviceKey, error) {
	if len(seed) != ed25519.SeedSize {
		return DeviceKey{}, errors.New("device key seed has the wrong length")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return DeviceKey{Public: priv.Public().(ed25519.PublicKey), Private: priv}, nil
}

// Sign signs msg.
func (k DeviceKey) Sign(msg []byte) []byte { return ed25519.Sign(k.Private, msg) }

// Fingerprint is the short form of the public key.
func (k DeviceKey) Fingerprint() string { return Fingerprint(string(k.Public)) }

// Verify reports whether sig is pub's signature of msg.
func Verify(pub ed25519.PublicKey, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
}
