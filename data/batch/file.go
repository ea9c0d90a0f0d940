package batch

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
)

// Errors from [WriteFile], for callers that turn them into messages. Each
// comes wrapped with the folder or file and the system's own error.
var (
	ErrNoFolder    = errors.New("the folder does not exist")
	ErrNotWritable = errors.New("the folder cannot be written to")
	ErrDiskFull    = errors.New("the disk is full")
	ErrExists      = errors.New("a file of that name is already there; nothing was replaced")
	ErrReadBack    = errors.New("the file did not read back as written")
)

// TempFile is what [WriteFile] writes through before renaming: an
// *os.File in normal use. Tests put their own in front to fail on purpose.
type TempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// CreateTemp makes a new temporary file in dir, like [os.CreateTemp].
type CreateTemp func(dir, pattern string) (TempFile, error)

func osCreateTemp(dir, pattern string) (TempFile, error) { return os.CreateTemp(dir, pattern) }

// Written describes a file [WriteFile] wrote.
type Written struct {
	Path  string
	Bytes int64
}

// Sums identify a file's exact content: its size and the CRC-32C of each
// of its 16 MiB pieces, the last perhaps shorter (what [WriteFile] reads
// the file back against). [WriteFile] hands them to
// [FileOptions.BeforeRename] so that a caller can record them and later
// tell, with [Matches], a file it wrote from any other.
type Sums struct {
	Bytes  int64    `json:"bytes"`
	CRC32C []uint32 `json:"crc32c"`
}

// Matches reports whether the file at path holds exactly the content that
// sums describe.
func Matches(path string, sums Sums) bool {
	return readBack(path, sums.Bytes, sums.CRC32C) == nil
}

// FileOptions tune [WriteFile].
type FileOptions struct {
	// CreateTemp makes the temporary file; nil for [os.CreateTemp].
	CreateTemp CreateTemp
	// Rename moves the finished temporary file to its name, never over
	// an existing file; nil for [RenameNoReplace]. Tests put failing
	// renames here.
	Rename func(from, to string) error
	// SyncDir makes the rename durable; nil for an fsync of the folder.
	// Tests put failing syncs here.
	SyncDir func(dir string) error
	// BeforeRename, if set, is called with the sums of the finished,
	// synced temporary file just before it is renamed; an error stops the
	// write and leaves nothing.
	BeforeRename func(Sums) error
}

// WriteFile writes dir/name atomically: write calls back with a temporary
// file in dir, which is then synced, closed and renamed to name; the folder
// is synced and the file read back and checked against the checksums of
// what was written: a CRC-32C of each 16 MiB piece, the checksum storage
// and networks use for exactly this, which catches every error burst up
// to 32 bits long and misses other damage once in 2^32 (the file is also
// authenticated inside, chunk by chunk, and signed, so the analyst's tools
// check it end to end; this check is there so that the coordinator learns
// at once that the stick did not keep the file). The pieces are read back
// on two goroutines at once. On any error nothing is left in dir:
// neither the temporary file nor a partial or unverified name. An existing
// file of that name is never replaced, not even one that appears while the
// file is being written: the rename is [RenameNoReplace], and the error is
// [ErrExists].
func WriteFile(dir, name string, opts FileOptions, write func(io.Writer) error) (Written, error) {
	create := opts.CreateTemp
	if create == nil {
		create = osCreateTemp
	}
	rename, sync := opts.Rename, opts.SyncDir
	if rename == nil {
		rename = RenameNoReplace
	}
	if sync == nil {
		sync = syncDir
	}
	final := filepath.Join(dir, name)
	if err := CheckFolder(dir); err != nil {
		return Written{}, err
	}
	if _, err := os.Lstat(final); err == nil {
		return Written{}, existsError(final)
	}
	f, err := create(dir, ".chorus-export-*.tmp")
	if err != nil {
		return Written{}, fileError(dir, err)
	}
	tmp := f.Name()
	fail := func(err error) (Written, error) {
		f.Close()
		os.Remove(tmp)
		return Written{}, fileError(dir, err)
	}
	sums := &pieceSums{}
	to := io.MultiWriter(f, sums)
	var bg *backgroundSync
	if osf, ok := f.(*os.File); ok {
		bg = newBackgroundSync(osf)
		to = io.MultiWriter(to, bg)
	}
	// The file is written in 256 KiB pieces: age hands over 64 KiB at a
	// time, and each write is a system call.
	bw := bufio.NewWriterSize(to, 256<<10)
	cw := &countWriter{w: bw}
	err = write(cw)
	if err == nil {
		err = bw.Flush()
	}
	if bg != nil {
		if serr := bg.stop(); err == nil {
			err = serr
		}
	}
	if err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return Written{}, fileError(dir, err)
	}
	sum := Sums{Bytes: cw.n, CRC32C: sums.done()}
	if opts.BeforeRename != nil {
		if err := opts.BeforeRename(sum); err != nil {
			os.Remove(tmp)
			return Written{}, err
		}
	}
	if err := rename(tmp, final); err != nil {
		os.Remove(tmp)
		if errors.Is(err, fs.ErrExist) {
			return Written{}, existsError(final)
		}
		return Written{}, fileError(dir, err)
	}
	if err := sync(dir); err != nil {
		os.Remove(final)
		return Written{}, fileError(dir, err)
	}
	if err := readBack(final, sum.Bytes, sum.CRC32C); err != nil {
		os.Remove(final)
		return Written{}, err
	}
	return Written{Path: final, Bytes: cw.n}, nil
}

// existsError is [ErrExists] for the file at path, with what to do.
func existsError(path string) error {
	return fmt.Errorf("%w: %s: move it away or choose another folder", ErrExists, path)
}

// CheckFolder reports, as one of the errors above, why dir cannot take a
// new file, or nil when it can. It tries by creating and removing a file.
func CheckFolder(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fileError(dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%w: %s is not a folder", ErrNoFolder, dir)
	}
	f, err := os.CreateTemp(dir, ".chorus-check-*.tmp")
	if err != nil {
		return fileError(dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// SyncDir makes what was renamed or created in dir durable: an fsync of
// the folder, where the file system can do one. Windows cannot sync a
// folder, and there it does nothing: [RenameNoReplace] writes the move
// through to the disk instead.
func SyncDir(dir string) error { return syncDir(dir) }

// castagnoli is the CRC-32C table; Go computes it with the processor's
// CRC32 instruction where there is one.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// pieceSize is the length of the pieces of a file whose CRC-32C
// [pieceSums] keeps, so that [readBack] can check them in parallel.
const pieceSize = 16 << 20

// pieceSums is an io.Writer that keeps the CRC-32C of each pieceSize
// bytes written to it, the last piece perhaps shorter.
type pieceSums struct {
	sums []uint32
	crc  uint32 // of the piece being written
	n    int    // bytes of it so far
}

func (p *pieceSums) Write(b []byte) (int, error) {
	written := len(b)
	for len(b) > 0 {
		k := min(len(b), pieceSize-p.n)
		p.crc = crc32.Update(p.crc, castagnoli, b[:k])
		p.n += k
		b = b[k:]
		if p.n == pieceSize {
			p.sums = append(p.sums, p.crc)
			p.crc, p.n = 0, 0
		}
	}
	return written, nil
}

// done returns the sums of all pieces, the last one included.
func (p *pieceSums) done() []uint32 {
	if p.n > 0 {
		p.sums = append(p.sums, p.crc)
		p.crc, p.n = 0, 0
	}
	return p.sums
}

// readBackWorkers is how many goroutines read a file back at once.
const readBackWorkers = 2

// readBack reads the file at path and checks its size and the CRC-32C of
// each of its pieces against sums, several pieces at a time.
func readBack(path string, size int64, sums []uint32) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrReadBack, path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrReadBack, path, err)
	}
	if st.Size() != size || int64(len(sums)) != (size+pieceSize-1)/pieceSize {
		return fmt.Errorf("%w: %s", ErrReadBack, path)
	}
	var next atomic.Int64 // the next piece to check
	errs := make(chan error, readBackWorkers)
	for range readBackWorkers {
		go func() {
			buf := make([]byte, 1<<20)
			for {
				i := next.Add(1) - 1
				if i >= int64(len(sums)) {
					errs <- nil
					return
				}
				off, end := i*pieceSize, min((i+1)*pieceSize, size)
				var crc uint32
				for off < end {
					n, err := f.ReadAt(buf[:min(int64(len(buf)), end-off)], off)
					crc = crc32.Update(crc, castagnoli, buf[:n])
					off += int64(n)
					if err != nil && off < end {
						next.Store(int64(len(sums))) // the others stop too
						errs <- fmt.Errorf("%w: %s: %w", ErrReadBack, path, err)
						return
					}
				}
				if crc != sums[i] {
					next.Store(int64(len(sums)))
					errs <- fmt.Errorf("%w: %s", ErrReadBack, path)
					return
				}
			}
		}()
	}
	var first error
	for range readBackWorkers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// backgroundSync syncs a file being written, on a goroutine of its own,
// each time another syncEvery bytes have been written to it, so that the
// disk takes the file while the rest is still being made and the sync at
// the end has little left to wait for (on this project's test machine it
// took 0.15 s for a 214 MB batch without, 0.01 s with). A sync that fails
// is reported by stop: on Linux a failed write-back is reported to one
// sync only, and it may be this one rather than the sync at the end.
type backgroundSync struct {
	f       *os.File
	n, next int64
	kick    chan struct{}
	done    chan struct{}
	err     error // the first failed sync's, read after done
}

// syncEvery is how much is written between background syncs.
const syncEvery = 16 << 20

func newBackgroundSync(f *os.File) *backgroundSync {
	b := &backgroundSync{f: f, next: syncEvery, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for range b.kick {
			if err := b.f.Sync(); err != nil && b.err == nil {
				b.err = err
			}
		}
	}()
	return b
}

// Write counts p, which was written to the file, and asks for a sync when
// another syncEvery bytes are in. If a sync is still running, the next
// one waits for more.
func (b *backgroundSync) Write(p []byte) (int, error) {
	b.n += int64(len(p))
	if b.n >= b.next {
		b.next = b.n + syncEvery
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// stop waits for the goroutine and returns the first sync's error.
func (b *backgroundSync) stop() error {
	close(b.kick)
	<-b.done
	return b.err
}

// fileError puts one of the sentinel errors in front of a system error.
func fileError(dir string, err error) error {
	var spool *spoolError
	if errors.As(err, &spool) {
		return err // the folder the records wait in, not dir
	}
	var kind error
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EFBIG), diskFull(err):
		kind = ErrDiskFull
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS), readOnly(err):
		kind = ErrNotWritable
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		kind = ErrNoFolder
	default:
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return fmt.Errorf("cannot write to %s: %w", dir, err)
		}
		return err // not from the file system: the caller's own error
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Errorf("%w: %s (%w)", kind, dir, errno)
	}
	return fmt.Errorf("%w: %s (%w)", kind, dir, err)
}
