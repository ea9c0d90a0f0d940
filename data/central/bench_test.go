package central_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"chorus/data/batch"
	"chorus/data/central"
	"chorus/data/demo"
	"chorus/data/store/storetest"
)

// BenchmarkMerge1000x100 merges 1,000 demo batches of about 100 responses
// each (synthetic, sealed for real, with a withdrawal in most batches)
// into a new database with DB.MergeFiles, as the merge command does,
// opening every sealed response. It reports the time
// for all 1,000 (ns/op), the baseline of only reading and verifying the
// same files without a database (read-ns/op) and the ratio (x-read), for
// the SQLite file and, on the PostgreSQL half (CHORUS_TEST_DB=postgres;
// CHORUS_PG_DURABLE=1 for a server with fsync on, as SQLite's
// synchronous=FULL), for PostgreSQL too, with the ratio of the two.
func BenchmarkMerge1000x100(b *testing.B) {
	const batches, per = 1000, 100
	k := storetest.NewKey(b, false)
	dev := storetest.NewDevice(b, k.Recipients, true)
	body, err := os.ReadFile(storetest.SurveyFile)
	if err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	var files []string
	for i := range batches {
		if _, err := demo.Fill(ctx, dev.Store, dev.Survey, body, per, uint64(i)); err != nil {
			b.Fatal(err)
		}
		files = append(files, dev.Export(out))
	}

	start := time.Now()
	responses := 0
	for _, f := range files {
		bt, err := batch.Read(f, k.Identities, batch.ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		responses += int(bt.Manifest.Counts.Responses)
		bt.Close()
	}
	readNs := float64(time.Since(start).Nanoseconds())

	// The SQLite file, then (on the PostgreSQL half of the run) the
	// PostgreSQL database, merging the same files in the same run.
	engines := []string{"sqlite"}
	if pg != nil {
		engines = append(engines, "postgres")
	}
	perEngine := map[string]float64{}
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				name := filepath.Join(b.TempDir(), "central.db")
				if engine == "postgres" {
					name = pg.NewDatabase(b)
				}
				db, err := central.Open(name, nil)
				if err != nil {
					b.Fatal(err)
				}
				enrolFile(b, db, files[0], k) // one device made them all
				b.StartTimer()
				db.MergeFiles(ctx, files, k.Identities, central.MergeOptions{Demo: true}, func(_ central.MergeResult, err error) {
					if err != nil {
						b.Fatal(err)
					}
				})
				b.StopTimer()
				var n int
				db.SQL().QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
				if n == 0 || n > responses {
					b.Fatalf("merged %d responses of %d", n, responses)
				}
				db.Close()
				b.StartTimer()
			}
			b.StopTimer()
			mergeNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			perEngine[engine] = mergeNs
			b.ReportMetric(float64(responses), "responses")
			b.ReportMetric(readNs, "read-ns/op")
			b.ReportMetric(mergeNs/readNs, "x-read")
			fmt.Fprintf(os.Stderr, "%s: merge of %d batches, %d responses: %.1f s (goal 30 s)\n", engine, batches, responses, mergeNs/1e9)
		})
	}
	if pg != nil && perEngine["sqlite"] > 0 && perEngine["postgres"] > 0 {
		fmt.Fprintf(os.Stderr, "postgres/sqlite = %.2f (goal at most 1.5)\n", perEngine["postgres"]/perEngine["sqlite"])
	}
}
