package central

import (
	"cmp"
	"context"
	"slices"
	"strconv"
)

// dayKey groups declined.csv's rows.
type dayKey struct{ day, venue, language string }

// tally counts people who declined ([0]) and responses ([1]) by day, venue
// and language.
type tally map[dayKey]*[2]int

func (t tally) add(k dayKey, i, n int) {
	c := t[k]
	if c == nil {
		c = new([2]int)
		t[k] = c
	}
	c[i] += n
}

// writeDeclined writes declined.csv: survey_id, day, venue, language,
// declined, responses, one row per day, venue and language with either,
// sorted. t holds the responses already; the declined are added here. The
// day of a response is its created_local_date, as a kiosk records the day
// of a refusal.
func (c *DB) writeDeclined(ctx context.Context, surveyID string, t tally, put func(string, []string) error) error {
	rows, err := c.db.QueryContext(ctx, `SELECT day, venue, language, sum(count) FROM declined WHERE survey_id = ?
		GROUP BY day, venue, language`, surveyID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k dayKey
		var n int
		if err := rows.Scan(&k.day, &k.venue, &k.language, &n); err != nil {
			return err
		}
		t.add(k, 0, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	keys := make([]dayKey, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b dayKey) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.venue, b.venue), cmp.Compare(a.language, b.language))
	})
	if err := put(DeclinedCSV, []string{"survey_id", "day", "venue", "language", "declined", "responses"}); err != nil {
		return err
	}
	for _, k := range keys {
		n := t[k]
		if err := put(DeclinedCSV, []string{surveyID, k.day, k.venue, k.language, strconv.Itoa(n[0]), strconv.Itoa(n[1])}); err != nil {
			return err
		}
	}
	return nil
}
