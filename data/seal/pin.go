package seal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PIN hashing parameters: argon2id with OWASP's minimum (19 MiB, 2 passes,
// one thread), a 16-byte salt and a 32-byte hash.
const (
	pinTime    = 2
	pinMemory  = 19 * 1024 // KiB
	pinThreads = 1
	pinSaltLen = 16
	pinKeyLen  = 32
)

// MinPINLength is the fewest digits a staff PIN may have.
const MinPINLength = 6

// ErrWeakPIN is returned for a PIN that is too short, not all digits, or
// one digit repeated or counting up or down (123456).
var ErrWeakPIN = errors.New("a PIN is at least 6 digits, not all the same and not a run like 123456")

// CheckPINStrength reports whether pin may be used.
func CheckPINStrength(pin string) error {
	if len(pin) < MinPINLength {
		return ErrWeakPIN
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return ErrWeakPIN
		}
	}
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		same = same && d == 0
		up = up && (d == 1 || d == -9)
		down = down && (d == -1 || d == 9)
	}
	if same || up || down {
		return ErrWeakPIN
	}
	return nil
}

// HashPIN returns the PHC string of pin:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func HashPIN(pin string) (string, error) {
	salt := make([]byte, pinSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pin), salt, pinTime, pinMemory, pinThreads, pinKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, pinMemory, pinTime, pinThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrBadHash is returned for a stored hash that is not an argon2id PHC
// string this code can check.
var ErrBadHash = errors.New("stored PIN hash is damaged")

// CheckPIN reports whether pin matches the PHC string hash, comparing in
// constant time.
func CheckPIN(hash, pin string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrBadHash
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<21 || t == 0 || t > 16 || p == 0 {
		return false, ErrBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(want) < 16 || len(want) > 64 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(pin), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
