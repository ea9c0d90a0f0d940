package central

import (
	"fmt"

	"chorus/data/batch"
)

// Limits on a batch's numbers. A batch outside them is refused whole:
// sums of them must stay far from overflowing in csv and report.
const (
	// MaxDeclined is the most "no thanks" one tally line may count.
	MaxDeclined = 1_000_000
	// MaxSeq is the highest batch number a device may reach.
	MaxSeq = 1_000_000_000
	// MaxOffset is the largest UTC offset, in minutes, a record may give.
	MaxOffset = 18 * 60
)

// checkRanges refuses a batch whose manifest numbers are out of range.
func checkRanges(b *batch.Batch) error {
	m := &b.Manifest
	if m.Seq < 1 || m.Seq > MaxSeq {
		return fmt.Errorf("%w: manifest.json: batch number %d is out of range (1 to %d)", batch.ErrRecord, m.Seq, MaxSeq)
	}
	for _, sv := range m.Surveys {
		if sv.Version < 1 || sv.Version > MaxSeq {
			return fmt.Errorf("%w: manifest.json: survey %s version %d is out of range (1 to %d)", batch.ErrRecord, sv.ID, sv.Version, MaxSeq)
		}
	}
	return nil
}

// checkOffset refuses a UTC offset no clock has.
func checkOffset(member string, line int, minutes int) error {
	if minutes < -MaxOffset || minutes > MaxOffset {
		return fmt.Errorf("%w: %s line %d: UTC offset %d minutes is out of range (-%d to %d)", batch.ErrRecord, member, line, minutes, MaxOffset, MaxOffset)
	}
	return nil
}
