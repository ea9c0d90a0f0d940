package central

import (
	"context"
	"fmt"
	"strings"

	"chorus/data/batch"
)

// Problem is something [DB.Check] found about a device's batches.
type Problem struct {
	DeviceID string
	Msg      string
}

// String is the problem as a line for people.
func (p Problem) String() string { return "device " + batch.DeviceShort(p.DeviceID) + ": " + p.Msg }

// Check reports, for each device, batch numbers missing below the highest
// merged and batches that do not chain to the one before them.
func (c *DB) Check(ctx context.Context) ([]Problem, error) {
	all, err := c.BatchLinks(ctx)
	if err != nil {
		return nil, err
	}
	var out []Problem
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].DeviceID == all[i].DeviceID {
			j++
		}
		dev := all[i:j:j]
		var missing []string
		next := int64(1)
		for k, r := range dev {
			switch {
			case next == r.Seq-1:
				missing = append(missing, fmt.Sprint(next))
			case next < r.Seq:
				missing = append(missing, fmt.Sprintf("%d-%d", next, r.Seq-1))
			}
			next = r.Seq + 1
			if k > 0 && dev[k-1].Seq == r.Seq-1 && dev[k-1].ManifestSHA256 != r.PrevManifestSHA256 {
				out = append(out, Problem{r.DeviceID, fmt.Sprintf("batch %d does not follow batch %d: its prev_manifest_sha256 names another manifest", r.Seq, r.Seq-1)})
			}
		}
		if len(missing) > 0 {
			word := "batch"
			if len(missing) > 1 || strings.Contains(missing[0], "-") {
				word = "batches"
			}
			out = append(out, Problem{dev[0].DeviceID, fmt.Sprintf("%s %s missing (highest merged: %d); ask the coordinator for them",
				word, strings.Join(missing, ", "), dev[len(dev)-1].Seq)})
		}
		i = j
	}
	return out, nil
}
