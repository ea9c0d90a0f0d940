package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"chorus/data/batch"

	"github.com/google/uuid"
)

// readConn opens the export's kind of connection on st's folder and starts
// a read transaction on it.
func readConn(t *testing.T, st *Store) *sql.Conn {
	t.Helper()
	ro, err := sql.Open("sqlite3", readDSN(st.dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	ro.SetMaxOpenConns(1)
	c, err := ro.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.ExecContext(context.Background(), "BEGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.ExecContext(context.Background(), "ROLLBACK") })
	return c
}

// bulkValues reads every row of query (with ?1 = seq) through bulkRows
// into buffers of size bytes, as copies.
func bulkValues(t *testing.T, c *sql.Conn, query string, seq int64, size int) [][][]byte {
	t.Helper()
	var out [][][]byte
	err := c.Raw(func(dc any) error {
		db, err := sqliteHandle(dc)
		if err != nil {
			return err
		}
		rows, err := newBulkRows(db, query, seq)
		if err != nil {
			return err
		}
		defer rows.close()
		for {
			ch, err := rows.fill(context.Background(), make([]byte, size))
			if err != nil {
				return err
			}
			if ch.rows == 0 {
				return nil
			}
			if err := ch.each(rows.ncol, func(vals []sql.RawBytes) error {
				row := make([][]byte, len(vals))
				for i, v := range vals {
					if v != nil {
						row[i] = append([]byte{}, v...)
					}
				}
				out = append(out, row)
				return nil
			}); err != nil {
				return err
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sqlValues reads the same through database/sql's RawBytes.
func sqlValues(t *testing.T, c *sql.Conn, query string, seq int64) [][][]byte {
	t.Helper()
	rows, err := c.QueryContext(context.Background(), query, seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][][]byte
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		row := make([][]byte, len(vals))
		for i, v := range vals {
			if v != nil {
				row[i] = append([]byte{}, v...)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBulkRowsReadLikeDatabaseSQL: every value bulkRows reads from a
// STRICT table — text (empty, awkward, long), blobs (empty, 3 MiB, more
// than a buffer), integers (negative, 0, the largest) and NULL — is the
// value database/sql gives as RawBytes, in the same rows and order, with
// buffers from far smaller than one row to larger than all of them.
func TestBulkRowsReadLikeDatabaseSQL(t *testing.T) {
	st, _, _ := openTest(t)
	if _, err := st.db.Exec(`CREATE TABLE bulk_test (k INTEGER PRIMARY KEY, t TEXT, b BLOB, i INTEGER, g INTEGER) STRICT`); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte{0, 1, 2, 0xff}, 3<<18) // 3 MiB, NULs included
	rows := []struct {
		t any
		b any
		i any
	}{
		{"", []byte{}, 0},
		{nil, nil, nil},
		{awkwardText, []byte("\x00\x01"), -9223372036854775808},
		{strings.Repeat("ŵ", 100_000), big, 9223372036854775807},
		{"end", []byte("x"), -1},
	}
	for k, r := range rows {
		if _, err := st.db.Exec(`INSERT INTO bulk_test VALUES (?, ?, ?, ?, 7)`, k+1, r.t, r.b, r.i); err != nil {
			t.Fatal(err)
		}
	}
	c := readConn(t, st)
	const query = `SELECT t, b, i, coalesce(t, ''), k * ?1 FROM bulk_test ORDER BY k`
	want := sqlValues(t, c, query, 3)
	if len(want) != len(rows) {
		t.Fatalf("database/sql read %d rows, want %d", len(want), len(rows))
	}
	for _, size := range []int{16, 1000, 1 << 20, 8 << 20} {
		got := bulkValues(t, c, query, 3, size)
		if len(got) != len(want) {
			t.Fatalf("buffer %d: %d rows, want %d", size, len(got), len(want))
		}
		if got[1][0] != nil || got[1][1] != nil || got[1][2] != nil || got[1][3] == nil {
			t.Errorf("buffer %d: NULLs read as %q, want nil (and coalesce's '' as empty)", size, got[1][:4])
		}
		for r := range want {
			for i := range want[r] {
				// database/sql gives nil for empty text too; the
				// export encodes nil and empty alike.
				if !bytes.Equal(got[r][i], want[r][i]) {
					t.Errorf("buffer %d, row %d, column %d: %.40q, want %.40q", size, r+1, i+1, got[r][i], want[r][i])
				}
			}
		}
	}
}

// awkwardText is text JSON escapes in every way it can.
const awkwardText = "Caffi \"Cwtch\" <Café> & \\ نعم 👍 \u2028\u2029 \x7f\x01 end"

// TestBulkRowsErrors: a bad query and a cancelled export are errors, not
// panics, and say what went wrong.
func TestBulkRowsErrors(t *testing.T) {
	st, _, _ := openTest(t)
	c := readConn(t, st)
	err := c.Raw(func(dc any) error {
		db, err := sqliteHandle(dc)
		if err != nil {
			return err
		}
		_, err = newBulkRows(db, `SELECT x FROM nowhere WHERE ?1`, 1)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "no such table: nowhere") {
		t.Errorf("bad query: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = c.Raw(func(dc any) error {
		db, _ := sqliteHandle(dc)
		rows, err := newBulkRows(db, `SELECT id FROM audit WHERE ?1`, 1)
		if err != nil {
			return err
		}
		defer rows.close()
		_, err = rows.fill(ctx, make([]byte, 64))
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
	if _, err := sqliteHandle(struct{}{}); !errors.Is(err, errNoHandle) {
		t.Errorf("sqliteHandle of another driver's connection = %v, want errNoHandle", err)
	}
}

// failingWriter fails once it has taken n bytes.
type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errors.New("the tar stage failed")
	}
	f.n -= len(p)
	return len(p), nil
}

// TestBulkMembersMatchTheRowByRowPath: the responses and consents members
// written through bulkRows (an export's connection) are byte for byte the
// members written row by row through database/sql (a transaction), for
// awkward records, sessions and none; and a writer that fails part-way
// stops the bulk path with its error.
func TestBulkMembersMatchTheRowByRowPath(t *testing.T) {
	ctx := context.Background()
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	awkwardSession(t, st, sv)
	for i := range 700 {
		sub := submission(sv, dev, fmt.Sprintf("Caffi \"Cwtch\" <Café> & \\ نعم 👍 \u2028 %d", i))
		sub.Consent.ID = uuid.Must(uuid.NewV7()).String()
		if i%3 == 0 {
			sub.SessionID = "s1"
			sub.Consent.Staff = awkwardText
		}
		if _, err := st.Submit(ctx, rs, sub); err != nil {
			t.Fatal(err)
		}
	}
	seq, err := st.allocate(ctx, dev, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	slow, err := newExportSource(ctx, tx, seq)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := newExportSource(ctx, readConn(t, st), seq)
	if err != nil {
		t.Fatal(err)
	}
	if slow.raw != nil || fast.raw == nil {
		t.Fatal("the transaction's source should read row by row, the connection's in bulk")
	}
	for _, name := range []string{batch.ResponsesMember, batch.ConsentsMember} {
		var a, b bytes.Buffer
		if err := slow.WriteMember(ctx, name, &a); err != nil {
			t.Fatal(err)
		}
		if err := fast.WriteMember(ctx, name, &b); err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(a.Bytes(), []byte("\n")); n != 700 {
			t.Errorf("%s: %d lines, want 700", name, n)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: bulk path wrote %d bytes, row by row %d, and they differ", name, b.Len(), a.Len())
		}
		err := fast.WriteMember(ctx, name, &failingWriter{n: a.Len() / 2})
		if err == nil || !strings.Contains(err.Error(), "the tar stage failed") {
			t.Errorf("%s to a writer that fails half-way: %v", name, err)
		}
	}
}
