package store

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// The few functions of SQLite's C API used here. They come from the SQLite
// that github.com/mattn/go-sqlite3 compiles into the program: the same
// library, the same connection.
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
extern int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **stmt, const char **tail);
extern int sqlite3_bind_int64(sqlite3_stmt *stmt, int i, long long v);
extern int sqlite3_step(sqlite3_stmt *stmt);
extern int sqlite3_column_count(sqlite3_stmt *stmt);
extern int sqlite3_column_type(sqlite3_stmt *stmt, int i);
extern const void *sqlite3_column_blob(sqlite3_stmt *stmt, int i);
extern int sqlite3_column_bytes(sqlite3_stmt *stmt, int i);
extern int sqlite3_finalize(sqlite3_stmt *stmt);
extern const char *sqlite3_errmsg(sqlite3 *db);

enum { CHORUS_ROW = 100, CHORUS_DONE = 101, CHORUS_NULL = 5, CHORUS_MAXCOL = 32 };

// chorus_fill copies rows of stmt into buf, each value as a 4-byte length
// (-1 for NULL) and its bytes; integers come as their decimal text, as
// SQLite converts them. *have_row says that the statement's current row
// is not copied yet. It stops when the next row does not fit, setting
// *need to that row's size; at the end of the rows *rc is CHORUS_DONE, on
// an error SQLite's code. It returns the number of rows copied.
static int chorus_fill(sqlite3_stmt *stmt, int ncol, unsigned char *buf, int cap,
                       int *used, int *need, int *rc, int *have_row) {
	const void *p[CHORUS_MAXCOL];
	int len[CHORUS_MAXCOL];
	int n = 0, off = 0;
	*need = 0;
	for (;;) {
		if (!*have_row) {
			int r = sqlite3_step(stmt);
			if (r != CHORUS_ROW) {
				*rc = r;
				*used = off;
				return n;
			}
			*have_row = 1;
		}
		int size = 0;
		for (int i = 0; i < ncol; i++) {
			if (sqlite3_column_type(stmt, i) == CHORUS_NULL) {
				p[i] = 0;
				len[i] = -1;
				size += 4;
				continue;
			}
			p[i] = sqlite3_column_blob(stmt, i);
			len[i] = sqlite3_column_bytes(stmt, i);
			size += 4 + len[i];
		}
		if (size > cap - off) {
			*rc = CHORUS_ROW;
			*used = off;
			*need = size;
			return n;
		}
		for (int i = 0; i < ncol; i++) {
			int32_t l = len[i];
			memcpy(buf + off, &l, 4);
			off += 4;
			if (l > 0) {
				memcpy(buf + off, p[i], l);
				off += l;
			}
		}
		*have_row = 0;
		n++;
	}
}
*/
import "C"

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// bulkRows reads the rows of one query many at a time, straight from
// SQLite's C API into reused buffers: one cgo call per buffer instead of
// one per row, and no allocation per value. It is the export's reader
// for its two big members (see [exportSource.WriteMember]); each row's
// values are the same bytes database/sql gives as [sql.RawBytes] for the
// STRICT columns they come from (text, blob, or an integer's decimal text;
// nil for NULL), which TestBulkRowsReadLikeDatabaseSQL checks.
//
// It runs on the connection of the export's read transaction, so it sees
// the same snapshot as every other query of that export.
type bulkRows struct {
	db      *C.sqlite3
	stmt    *C.sqlite3_stmt
	ncol    int
	haveRow C.int
	done    bool
}

// errNoHandle is returned by [sqliteHandle] when the driver's connection
// is not one whose SQLite handle it knows how to find.
var errNoHandle = errors.New("no SQLite handle")

// sqliteHandle finds the SQLite handle inside a driver connection from
// [sql.Conn.Raw]. The driver does not export it, so it is read from the
// connection's field "db" after checking that field's C type; with
// another version of the driver that has no such field it returns
// errNoHandle and the export reads through database/sql instead.
func sqliteHandle(driverConn any) (*C.sqlite3, error) {
	c, ok := driverConn.(*sqlite3.SQLiteConn)
	if !ok || c == nil {
		return nil, errNoHandle
	}
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.Type().Elem().Name() != "_Ctype_struct_sqlite3" || f.IsNil() {
		return nil, errNoHandle
	}
	return (*C.sqlite3)(f.UnsafePointer()), nil
}

// bulkBufferSize is the size of a chunk's buffer; one grows for a row
// that does not fit. Each fill is a cgo call, during which the runtime
// hands the goroutine's processor to another thread and takes one back
// afterwards; 1 MiB chunks made the export of 100k responses 3% faster
// than 256 KiB ones (measured alternating in one process), for 2.25 MiB
// more memory in the three chunks.
const bulkBufferSize = 1 << 20

// newBulkRows prepares query on db with args bound to ?1, ?2, ...
func newBulkRows(db *C.sqlite3, query string, args ...int64) (*bulkRows, error) {
	cq := C.CString(query)
	defer C.free(unsafe.Pointer(cq))
	b := &bulkRows{db: db}
	if rc := C.sqlite3_prepare_v2(db, cq, -1, &b.stmt, nil); rc != 0 {
		return nil, b.error(rc)
	}
	b.ncol = int(C.sqlite3_column_count(b.stmt))
	if b.ncol > C.CHORUS_MAXCOL {
		b.close()
		return nil, fmt.Errorf("%d columns, at most %d", b.ncol, C.CHORUS_MAXCOL)
	}
	for i, a := range args {
		if rc := C.sqlite3_bind_int64(b.stmt, C.int(i+1), C.longlong(a)); rc != 0 {
			err := b.error(rc)
			b.close()
			return nil, err
		}
	}
	return b, nil
}

func (b *bulkRows) error(rc C.int) error {
	return fmt.Errorf("sqlite: %s (code %d)", C.GoString(C.sqlite3_errmsg(b.db)), int(rc))
}

// bulkChunk is a buffer of whole rows from [bulkRows.fill].
type bulkChunk struct {
	buf  []byte
	rows int
}

// fill copies as many of the next rows as fit into buf, which it replaces
// by a larger one when a single row does not fit. At the end of the rows
// it returns a chunk with no rows.
func (b *bulkRows) fill(ctx context.Context, buf []byte) (bulkChunk, error) {
	if b.done {
		return bulkChunk{buf: buf}, nil
	}
	if err := ctx.Err(); err != nil {
		return bulkChunk{buf: buf}, err
	}
	var used, need, rc C.int
	for {
		n := C.chorus_fill(b.stmt, C.int(b.ncol), (*C.uchar)(unsafe.Pointer(&buf[0])), C.int(len(buf)),
			&used, &need, &rc, &b.haveRow)
		if rc != C.CHORUS_ROW && rc != C.CHORUS_DONE {
			return bulkChunk{buf: buf}, b.error(rc)
		}
		b.done = rc == C.CHORUS_DONE
		if n > 0 || b.done {
			return bulkChunk{buf: buf[:used], rows: int(n)}, nil
		}
		// One row larger than the buffer: make room for it.
		buf = make([]byte, max(int(need), 2*len(buf)))
	}
}

// each calls f with the values of every row of c in turn; the values are
// only valid during the call.
func (c bulkChunk) each(ncol int, f func(vals []sql.RawBytes) error) error {
	vals := make([]sql.RawBytes, ncol)
	off := 0
	for range c.rows {
		for i := range vals {
			l := int32(binary.NativeEndian.Uint32(c.buf[off:]))
			off += 4
			if l < 0 {
				vals[i] = nil
				continue
			}
			vals[i] = c.buf[off : off+int(l) : off+int(l)]
			off += int(l)
		}
		if err := f(vals); err != nil {
			return err
		}
	}
	return nil
}

// close finalizes the statement.
func (b *bulkRows) close() {
	if b.stmt != nil {
		C.sqlite3_finalize(b.stmt)
		b.stmt = nil
	}
}
