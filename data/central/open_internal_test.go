package central

import (
	"bytes"
	"crypto/rand"
	"testing"

	"chorus/data/seal"

	"filippo.io/age"
)

// TestOpenSealedMatchesAge: openSealed accepts exactly what age accepts
// and gives the same plaintext.
func TestOpenSealedMatchesAge(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	pq, _ := age.GenerateHybridIdentity()
	other, _ := age.GenerateX25519Identity()
	for _, kind := range []struct {
		name string
		id   age.Identity
		rcpt string
	}{{"x25519", x, x.Recipient().String()}, {"pq", pq, pq.Recipient().String()}} {
		rs, err := seal.ParseRecipients(kind.rcpt)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{0, 1, 700, 64<<10 - 1, 64 << 10, 64<<10 + 1, 200 << 10} {
			plain := make([]byte, size)
			rand.Read(plain)
			sealed, err := seal.Seal(rs, plain)
			if err != nil {
				t.Fatal(err)
			}
			variants := map[string][]byte{"intact": sealed}
			for _, at := range []int{10, len(sealed) / 2, len(sealed) - 1} {
				d := bytes.Clone(sealed)
				d[at] ^= 0x04
				variants[("flip")+string(rune('a'+at%26))] = d
			}
			variants["truncated"] = sealed[:len(sealed)-1]
			variants["appended"] = append(bytes.Clone(sealed), 0)
			variants["no payload"] = sealed[:bytes.Index(sealed, []byte("\n--- "))+60]
			for vname, v := range variants {
				for _, ids := range [][]age.Identity{{kind.id}, {other}} {
					want, wantErr := seal.Open(ids, v)
					var buf bytes.Buffer
					gotErr := openSealed(ids, v, &buf)
					if (wantErr == nil) != (gotErr == nil) {
						t.Errorf("%s %d bytes %s: age says %v, openSealed says %v", kind.name, size, vname, wantErr, gotErr)
						continue
					}
					if wantErr == nil && !bytes.Equal(buf.Bytes(), want) {
						t.Errorf("%s %d bytes %s: plaintext differs", kind.name, size, vname)
					}
				}
			}
		}
	}
}
