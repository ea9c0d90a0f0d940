package batch_test

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/data/batch"

	"filippo.io/age"
)

// TestTwoGiBClaimedSizeIsRefusedUnread: a file claiming 2 GiB (sparse, so
// it costs no disk) is refused by its size before anything is decrypted.
func TestTwoGiBClaimedSizeIsRefusedUnread(t *testing.T) {
	key := newKey(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "chorus-00000000-000001.tar.age")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("age-encryption.org/v1\n")
	f.Close()
	if err := os.Truncate(path, 2<<30+1); err != nil {
		t.Skipf("cannot make a sparse file here: %v", err)
	}
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o700)
	start := time.Now()
	_, err = batch.Read(path, key.Identities, batch.ReadOptions{TempDir: tmp})
	if !errors.Is(err, batch.ErrTooLarge) {
		t.Fatalf("Read = %v, want ErrTooLarge", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	t.Logf("refused in %s", time.Since(start))
}

// TestTarBombIsRefused: tar members that claim far more than the file holds,
// or thousands of members, are refused with a specific error and leave no
// decrypted file behind.
func TestTarBombIsRefused(t *testing.T) {
	key := newKey(t)
	cases := map[string]func(*tar.Writer){
		"member claims a terabyte": func(tw *tar.Writer) {
			tw.WriteHeader(&tar.Header{Name: "responses.jsonl", Mode: 0o600, Size: 1 << 40, Typeflag: tar.TypeReg})
			tw.Write(bytes.Repeat([]byte("x"), 4096))
		},
		"ten thousand members": func(tw *tar.Writer) {
			for i := range 10000 {
				tw.WriteHeader(&tar.Header{Name: "m" + strings.Repeat("x", i%50), Mode: 0o600, Size: 1, Typeflag: tar.TypeReg})
				tw.Write([]byte("x"))
			}
			tw.Close()
		},
		"a symlink to /etc/passwd": func(tw *tar.Writer) {
			tw.WriteHeader(&tar.Header{Name: "manifest.json", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink})
			tw.Close()
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			var plain bytes.Buffer
			build(tar.NewWriter(&plain))
			dir := t.TempDir()
			tmp := filepath.Join(dir, "tmp")
			os.Mkdir(tmp, 0o700)
			path := filepath.Join(dir, "chorus-00000000-000001.tar.age")
			out, _ := os.Create(path)
			w, err := age.Encrypt(out, key.Recipients[0].Recipient)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(plain.Bytes())
			w.Close()
			out.Close()
			_, err = batch.Read(path, key.Identities, batch.ReadOptions{TempDir: tmp})
			if err == nil {
				t.Fatal("a hostile tar was accepted")
			}
			if !errors.Is(err, batch.ErrNotTar) && !errors.Is(err, batch.ErrMember) {
				t.Errorf("Read = %v, want a specific tar or member error", err)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("decrypted temporary files left: %v", left)
			}
		})
	}
}
