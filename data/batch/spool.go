package batch

import (
	"bufio"
	"io"
	"os"
)

// spoolMemory is how much of a member a spool holds in memory: the
// responses of an export of up to about 2,000 (a response's line is about
// 2 KB); a larger member goes to a file, so that memory stays flat.
const spoolMemory = 4 << 20

// spool keeps one member, written once, until its size is known and it
// can follow its tar header. The first spoolMemory bytes stay in memory;
// beyond that the member goes to a temporary file (mode 0600, without a
// name where the system allows). A member holds what the device's
// database holds: clear metadata and answers sealed at submit.
type spool struct {
	dir string
	mem []byte
	f   *os.File      // set once the member went to a file
	buf *bufio.Writer // in front of f
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && len(s.mem)+len(p) <= spoolMemory {
		if s.mem == nil {
			// All at once rather than doubling and copying: pages
			// the member does not reach are not touched, and take no
			// memory.
			s.mem = make([]byte, 0, spoolMemory)
		}
		s.mem = append(s.mem, p...)
		return len(p), nil
	}
	if s.f == nil {
		if err := s.toFile(); err != nil {
			return 0, err
		}
	}
	n, err := s.buf.Write(p)
	if err != nil {
		return n, &spoolError{err}
	}
	return n, nil
}

// spoolError is a failure of a spool's temporary file: of the folder the
// records wait in, not of the one the batch goes to.
type spoolError struct{ err error }

func (e *spoolError) Error() string {
	return "cannot keep the records while the batch is written: " + e.err.Error()
}

func (e *spoolError) Unwrap() error { return e.err }

// toFile moves the member to a temporary file.
func (s *spool) toFile() error {
	f, err := os.CreateTemp(s.dir, ".chorus-member-*.tmp")
	if err != nil {
		return &spoolError{err}
	}
	// The file loses its name at once, so it goes when it is closed,
	// even if the process dies first; where a file in use cannot lose its
	// name, close removes it.
	os.Remove(f.Name())
	s.f = f
	s.buf = bufio.NewWriterSize(f, 256<<10)
	_, err = s.buf.Write(s.mem)
	s.mem = nil
	if err != nil {
		return &spoolError{err}
	}
	return nil
}

// copyTo writes the member to w.
func (s *spool) copyTo(w io.Writer) error {
	if s.f == nil {
		_, err := w.Write(s.mem)
		return err
	}
	if err := s.buf.Flush(); err != nil {
		return &spoolError{err}
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return &spoolError{err}
	}
	_, err := io.Copy(w, s.f)
	return err
}

// close removes the temporary file, if any, and lets the memory go.
func (s *spool) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
	s.f, s.buf, s.mem = nil, nil, nil
}
