package batch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"chorus/data/batch"
	"chorus/data/seal"
)

// memSource is a Source held in memory.
type memSource map[string][]byte

func (m memSource) WriteMember(_ context.Context, name string, w io.Writer) error {
	_, err := w.Write(m[name])
	return err
}

func header(t testing.TB) (batch.Manifest, seal.DeviceKey) {
	key, err := seal.NewDeviceKey()
	if err != nil {
		t.Fatal(err)
	}
	return batch.Manifest{
		BatchID: "0190a000-0000-7000-8000-000000000001", DeviceID: "0190a000-0000-7000-8000-000000000002",
		DevicePublicKey: key.Public, Seq: 1, CreatedAt: "2026-11-24T09:00:00Z", AppVersion: "test",
	}, key
}

func auditLines(n int) []byte {
	var b []byte
	for i := range n {
		b, _ = batch.AppendLine(b, batch.AuditEvent{ID: fmt.Sprint("a", i), Actor: "x", Action: "y", CreatedAt: "2026-11-24T09:00:00Z"})
	}
	return b
}

func TestWriteIsDeterministicAndReadable(t *testing.T) {
	k := newKey(t)
	m, dk := header(t)
	src := memSource{batch.AuditMember: auditLines(3)}
	var sums []string
	dir := t.TempDir()
	for i := range 2 {
		var res batch.Result
		path := filepath.Join(dir, fmt.Sprint(i))
		f, _ := os.Create(path)
		res, err := batch.Write(context.Background(), f, m, src, dk, k.Recipients, batch.WriteOptions{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		b, err := batch.Read(path, k.Identities, batch.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, b.TarSHA256)
		if b.ManifestSHA256 != res.ManifestSHA256 || b.Manifest.Counts.Audit != 3 {
			t.Errorf("read back %+v, wrote %+v", b.Manifest, res.Manifest)
		}
		b.Close()
	}
	if sums[0] != sums[1] {
		t.Error("the same records gave two different tars")
	}
}

func TestFileNames(t *testing.T) {
	short := batch.DeviceShort("019ad3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d")
	if short != "1e2f3a4b5c6d" {
		t.Errorf("DeviceShort = %s, want the id's last 12 hex digits (its random part)", short)
	}
	name := batch.FileName(short, 12)
	if name != "chorus-1e2f3a4b5c6d-000012.tar.age" {
		t.Errorf("FileName = %s", name)
	}
	dev, seq, ok := batch.ParseFileName(name)
	if !ok || dev != short || seq != 12 {
		t.Errorf("ParseFileName(%s) = %s %d %v", name, dev, seq, ok)
	}
	if _, _, ok := batch.ParseFileName("chorus-1e2f3a4b5c6d-12.tar.age"); ok {
		t.Error("a short seq parsed")
	}
}

// brokenFile fails as told.
type brokenFile struct {
	*os.File
	failWrite, failSync, failClose bool
}

func (b *brokenFile) Write(p []byte) (int, error) {
	if b.failWrite {
		return 0, &os.PathError{Op: "write", Path: b.Name(), Err: syscall.ENOSPC}
	}
	return b.File.Write(p)
}

func (b *brokenFile) Sync() error {
	if b.failSync {
		return errors.New("sync failed")
	}
	return b.File.Sync()
}

func (b *brokenFile) Close() error {
	err := b.File.Close()
	if b.failClose {
		return &os.PathError{Op: "close", Path: b.Name(), Err: syscall.EDQUOT}
	}
	return err
}

func TestWriteFileLeavesNothingOnFailure(t *testing.T) {
	cases := map[string]struct {
		file  brokenFile
		write error
		want  error
	}{
		"write fails":  {file: brokenFile{failWrite: true}, want: batch.ErrDiskFull},
		"sync fails":   {file: brokenFile{failSync: true}},
		"close fails":  {file: brokenFile{failClose: true}, want: batch.ErrDiskFull},
		"caller fails": {write: errors.New("records changed"), want: nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := batch.WriteFile(dir, "out.tar.age", batch.FileOptions{CreateTemp: func(dir, pattern string) (batch.TempFile, error) {
				f, err := os.CreateTemp(dir, pattern)
				b := c.file
				b.File = f
				return &b, err
			}}, func(w io.Writer) error {
				if _, err := w.Write([]byte("hello")); err != nil {
					return err
				}
				return c.write
			})
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("WriteFile = %v, want %v", err, c.want)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("left %v behind", ents)
			}
		})
	}
}

func TestWriteFileDoesNotReplace(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if _, err := batch.WriteFile(dir, "b", batch.FileOptions{}, write("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := batch.WriteFile(dir, "b", batch.FileOptions{}, write("two")); !errors.Is(err, batch.ErrExists) {
		t.Errorf("second write = %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b")); string(b) != "one" {
		t.Errorf("the first file now holds %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("folder holds %d files", len(ents))
	}
}

func TestReadRefusesArmorAndOversize(t *testing.T) {
	dir := t.TempDir()
	k := newKey(t)
	armored := filepath.Join(dir, "a")
	os.WriteFile(armored, []byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"), 0o600)
	if _, err := batch.Read(armored, k.Identities, batch.ReadOptions{}); !errors.Is(err, batch.ErrNotAge) || !strings.Contains(err.Error(), "armored") {
		t.Errorf("armored file: %v", err)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, bytes.Repeat([]byte("x"), 2000), 0o600)
	if _, err := batch.Read(big, k.Identities, batch.ReadOptions{MaxFileSize: 1000}); !errors.Is(err, batch.ErrTooLarge) {
		t.Errorf("oversize file: %v", err)
	}
}

// spoolWatcher is a memSource that, once it has written the audit member,
// looks for files of this process in dir: the spool of a large member.
type spoolWatcher struct {
	memSource
	dir  string
	seen []string // each file's name and mode
}

func (s *spoolWatcher) WriteMember(ctx context.Context, name string, w io.Writer) error {
	if err := s.memSource.WriteMember(ctx, name, w); err != nil || name != batch.AuditMember {
		return err
	}
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		link := filepath.Join("/proc/self/fd", fd.Name())
		target, err := os.Readlink(link)
		if err != nil || !strings.HasPrefix(target, s.dir+string(filepath.Separator)) {
			continue
		}
		if st, err := os.Stat(link); err == nil {
			s.seen = append(s.seen, fmt.Sprintf("%s %v", filepath.Base(target), st.Mode().Perm()))
		}
	}
	return nil
}

// TestLargeMemberGoesThroughAPrivateNamelessFile: a member larger than a
// spool holds in memory is written once to a temporary file in TempDir,
// private (0600) and without a name while it is used, gone afterwards;
// the batch holds the member exactly.
func TestLargeMemberGoesThroughAPrivateNamelessFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("looks at /proc/self/fd")
	}
	k := newKey(t)
	m, dk := header(t)
	audit := auditLines(60_000) // about 6 MB
	if len(audit) <= 4<<20 {
		t.Fatalf("the member is %d bytes, want more than a spool keeps in memory", len(audit))
	}
	spoolDir := t.TempDir()
	src := &spoolWatcher{memSource: memSource{batch.AuditMember: audit}, dir: spoolDir}
	path := filepath.Join(t.TempDir(), "b")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = batch.Write(context.Background(), f, m, src, dk, k.Recipients, batch.WriteOptions{TempDir: spoolDir})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(src.seen) != 1 || !strings.HasSuffix(src.seen[0], "(deleted) -rw-------") {
		t.Errorf("files open in the spool folder while writing: %q, want one without a name, mode 0600", src.seen)
	}
	if left, _ := os.ReadDir(spoolDir); len(left) != 0 {
		t.Errorf("left in the spool folder: %v", left)
	}
	b, err := batch.Read(path, k.Identities, batch.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var got []byte
	if err := b.Audit(func(a batch.AuditEvent) error {
		got, _ = batch.AppendLine(got, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, audit) || b.Manifest.Counts.Audit != 60_000 {
		t.Errorf("the batch holds %d audit lines, %d bytes; want 60000, %d bytes", b.Manifest.Counts.Audit, len(got), len(audit))
	}
}

// TestSpoolFailureIsNotTheDestinations: when a large member cannot be
// kept in its temporary file (here the folder for it is gone), WriteFile
// fails saying so, not blaming the folder the batch goes to, and leaves
// nothing there.
func TestSpoolFailureIsNotTheDestinations(t *testing.T) {
	k := newKey(t)
	m, dk := header(t)
	src := memSource{batch.AuditMember: auditLines(60_000)}
	dest := t.TempDir()
	gone := filepath.Join(t.TempDir(), "gone")
	_, err := batch.WriteFile(dest, "b", batch.FileOptions{}, func(w io.Writer) error {
		_, err := batch.Write(context.Background(), w, m, src, dk, k.Recipients, batch.WriteOptions{TempDir: gone})
		return err
	})
	if err == nil || errors.Is(err, batch.ErrNoFolder) || !strings.Contains(err.Error(), "cannot keep the records") {
		t.Errorf("WriteFile = %v, want the spool's failure, not ErrNoFolder", err)
	}
	if ents, _ := os.ReadDir(dest); len(ents) != 0 {
		t.Errorf("left %v behind", ents)
	}
}
