package batch

import (
	"bufio"
	"io"
	"os"

	"filippo.io/age"
)

// spoolMemory is how much of a member a spool holds in memory. A device
// exports hundreds to a few thousand responses at a time, about 1.5 KB
// each, and those members stay in memory; larger ones go to a file.
const spoolMemory = 16 << 20

// spool keeps one member, written once, until its size is known and it
// can follow its tar header. The first spoolMemory bytes stay in memory;
// beyond that the member goes to a temporary file, encrypted with age to
// an X25519 key made for that file and held only here, so that no record
// reaches the disk in clear (not even in the blocks of a deleted file).
type spool struct {
	dir string
	mem []byte

	// Set once the member went to a file.
	f   *os.File
	key *age.X25519Identity
	buf *bufio.Writer
	enc io.WriteCloser
}

// reset empties the spool for the next member, keeping its memory.
func (s *spool) reset() {
	s.close()
	s.mem = s.mem[:0]
}

func (s *spool) Write(p []byte) (int, error) {
	if s.enc == nil && len(s.mem)+len(p) <= spoolMemory {
		s.mem = append(s.mem, p...)
		return len(p), nil
	}
	if s.enc == nil {
		if err := s.toFile(); err != nil {
			return 0, err
		}
	}
	return s.enc.Write(p)
}

// toFile moves the member to an encrypted temporary file.
func (s *spool) toFile() error {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.dir, ".chorus-member-*.tmp")
	if err != nil {
		return err
	}
	// The file loses its name at once, so it goes when it is closed,
	// even if the process dies first; where a file in use cannot lose its
	// name, close removes it.
	os.Remove(f.Name())
	s.f = f
	s.key = key
	s.buf = bufio.NewWriterSize(f, 256<<10)
	if s.enc, err = age.Encrypt(s.buf, key.Recipient()); err != nil {
		return err
	}
	_, err = s.enc.Write(s.mem)
	s.mem = s.mem[:0]
	return err
}

// copyTo writes the member to w.
func (s *spool) copyTo(w io.Writer) error {
	if s.enc == nil {
		_, err := w.Write(s.mem)
		return err
	}
	if err := s.enc.Close(); err != nil {
		return err
	}
	if err := s.buf.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r, err := age.Decrypt(bufio.NewReaderSize(s.f, 256<<10), s.key)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

// close removes the temporary file, if any.
func (s *spool) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
	s.f, s.key, s.buf, s.enc = nil, nil, nil, nil
}
