package seal

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
)

func TestParseRecipients(t *testing.T) {
	x1, _ := age.GenerateX25519Identity()
	x2, _ := age.GenerateX25519Identity()
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, text string
		n          int
		err        string
	}{
		{"one x25519", x1.Recipient().String(), 1, ""},
		{"two with comments and blanks", "# analyst\n\n" + x1.Recipient().String() + "\n  " + x2.Recipient().String() + "  \n", 2, ""},
		{"duplicate kept once", x1.Recipient().String() + "\n" + x1.Recipient().String(), 1, ""},
		{"post-quantum", pq.Recipient().String(), 1, ""},
		{"mixed kinds", x1.Recipient().String() + "\n" + pq.Recipient().String(), 0, "mix"},
		{"empty", "\n# nothing\n", 0, "no recipient"},
		{"private key pasted", x1.String(), 0, "line 1: this is a private key"},
		{"garbage on line 2", x1.Recipient().String() + "\nhello", 0, "line 2: not an age public key"},
		{"bad checksum", breakLastChar(x1.Recipient().String()), 0, "line 1"},
		{"invalid utf-8", "age1\xff", 0, "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, err := ParseRecipients(c.text)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want it to say %q", err, c.err)
				}
				if strings.Contains(err.Error(), "AGE-SECRET-KEY") && strings.Contains(err.Error(), x1.String()) {
					t.Error("the error repeats the private key")
				}
				return
			}
			if err != nil || len(rs) != c.n {
				t.Fatalf("got %d recipients, %v; want %d", len(rs), err, c.n)
			}
		})
	}
	if _, err := ParseRecipients(x1.Recipient().String() + "\n" + pq.Recipient().String()); !errors.Is(err, ErrMixedKinds) {
		t.Errorf("mixed kinds error = %v, want ErrMixedKinds", err)
	}
}

// breakLastChar changes the last Bech32 character of s to a different one,
// so the checksum is always wrong (a fixed replacement is a no-op whenever
// the random key already ends in it, one run in 32).
func breakLastChar(s string) string {
	last := s[len(s)-1]
	repl := byte('q')
	if last == repl {
		repl = 'p'
	}
	return s[:len(s)-1] + string(repl)
}

func TestSealOpensOnlyWithTheRightIdentity(t *testing.T) {
	for _, kind := range []string{"x25519", "pq"} {
		t.Run(kind, func(t *testing.T) {
			var id age.Identity
			var text string
			if kind == "pq" {
				i, _ := age.GenerateHybridIdentity()
				id, text = i, i.Recipient().String()
			} else {
				i, _ := age.GenerateX25519Identity()
				id, text = i, i.Recipient().String()
			}
			rs, err := ParseRecipients(text)
			if err != nil {
				t.Fatal(err)
			}
			if rs[0].Kind() != kind {
				t.Errorf("Kind = %s", rs[0].Kind())
			}
			msg := []byte(`{"answers":{"story":{"text":"secret"}}}`)
			sealed, err := Seal(rs, msg)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(sealed, []byte("secret")) {
				t.Fatal("sealed payload holds the plaintext")
			}
			got, err := Open([]age.Identity{id}, sealed)
			if err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("Open = %q, %v", got, err)
			}
			other, _ := age.GenerateX25519Identity()
			if _, err := Open([]age.Identity{other}, sealed); err == nil {
				t.Error("another identity opened it")
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	a, b := Fingerprint("age1aaa"), Fingerprint("age1aab")
	if a == b || len(a) != 19 || strings.Count(a, "-") != 3 {
		t.Errorf("fingerprints %q and %q", a, b)
	}
	if Fingerprint("age1aaa") != a {
		t.Error("fingerprint is not stable")
	}
}

func TestDeviceKeySignsAndRebuildsFromSeed(t *testing.T) {
	k, err := NewDeviceKey()
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("manifest")
	sig := k.Sign(msg)
	if !Verify(k.Public, msg, sig) || Verify(k.Public, []byte("manifesT"), sig) {
		t.Error("signature check is wrong")
	}
	k2, err := DeviceKeyFromSeed(k.Private.Seed())
	if err != nil || !bytes.Equal(k2.Public, k.Public) {
		t.Errorf("rebuilt key differs: %v", err)
	}
	if _, err := DeviceKeyFromSeed([]byte("short")); err == nil {
		t.Error("a short seed was accepted")
	}
	if Verify([]byte("short"), msg, sig) {
		t.Error("a short public key verified")
	}
}

func TestPINHash(t *testing.T) {
	h, err := HashPIN("480215")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "480215") {
		t.Errorf("hash %q is not the expected PHC string", h)
	}
	h2, _ := HashPIN("480215")
	if h == h2 {
		t.Error("two hashes of one PIN are equal: no salt")
	}
	if ok, err := CheckPIN(h, "480215"); !ok || err != nil {
		t.Errorf("right PIN: %v %v", ok, err)
	}
	if ok, _ := CheckPIN(h, "480216"); ok {
		t.Error("wrong PIN accepted")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", h[:len(h)-3] + "!!!"} {
		if _, err := CheckPIN(bad, "480215"); !errors.Is(err, ErrBadHash) {
			t.Errorf("CheckPIN(%q) = %v, want ErrBadHash", bad, err)
		}
	}
}

func TestPINStrength(t *testing.T) {
	for pin, ok := range map[string]bool{"480215": true, "27182818": true, "12345": false, "123456": false,
		"987654": false, "111111": false, "901234": false, "12345a": false, "": false, "４８０２１５": false} {
		if err := CheckPINStrength(pin); (err == nil) != ok {
			t.Errorf("CheckPINStrength(%q) = %v, want ok=%v", pin, err, ok)
		}
	}
}
