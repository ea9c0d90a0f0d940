package batch_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"chorus/data/batch"

	"filippo.io/age"
)

// FuzzRead feeds the batch reader hostile plaintext: each input is sealed
// to a real analyst key (so it gets past age) and read as a batch file. The
// reader must never panic, must accept only what verifies completely, and
// must leave no decrypted temporary file behind.
func FuzzRead(f *testing.F) {
	key := newKey(f)
	path := deviceBatch(f, key)
	if b, err := batch.Read(path, key.Identities, batch.ReadOptions{}); err != nil {
		f.Fatalf("the seed batch does not verify: %v", err)
	} else {
		b.Close()
	}
	sealed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(sealed), key.Identities...)
	if err != nil {
		f.Fatal(err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(plain)
	f.Add(plain[:len(plain)/2])
	f.Add(plain[:512])
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0}, 1024))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		tmp := filepath.Join(dir, "tmp")
		if err := os.Mkdir(tmp, 0o700); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "chorus-00000000-000001.tar.age")
		out, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		w, err := age.Encrypt(out, key.Recipients[0].Recipient)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
		out.Close()
		b, err := batch.Read(file, key.Identities, batch.ReadOptions{TempDir: tmp})
		if err == nil {
			if !bytes.Equal(data, plain) {
				// Anything else that verifies must still be a complete batch.
				if b.Manifest.Format == "" || b.ManifestSHA256 == "" {
					t.Errorf("accepted a batch without a manifest")
				}
			}
			b.Close()
		}
		left, _ := os.ReadDir(tmp)
		if len(left) != 0 {
			t.Errorf("decrypted temporary files left behind: %v", left)
		}
	})
}
