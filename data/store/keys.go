package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"chorus/data/seal"
)

// ErrSameRecipients is returned by [Store.ChangeRecipients] when the
// change would leave the analyst keys as they are.
var ErrSameRecipients = errors.New("those are already the analyst keys of this laptop")

// ChangeRecipients changes the analyst keys new responses are sealed to,
// after setup, as actor: with add, rs join the keys there are (an escrow
// key, or a second analyst); otherwise rs replace them. A device that is
// not a demo refuses the demo key ([ErrDemoKey]). The change and the
// fingerprints before and after go in the audit log, in the same
// transaction. It returns the keys in force afterwards.
//
// Responses already saved stay sealed to the keys they were sealed to:
// nothing is opened or sealed again, since the laptop holds no key that
// could open them. After a replacement the analyst needs the old key's
// identity for the responses saved before the change, exported or not.
func (s *Store) ChangeRecipients(ctx context.Context, actor string, rs []seal.Recipient, add bool) ([]seal.Recipient, error) {
	if len(rs) == 0 {
		return nil, errors.New("no new analyst key given")
	}
	if actor == "" {
		return nil, errors.New("a change of keys needs the name of the coordinator making it")
	}
	dev, err := s.Device()
	if err != nil {
		return nil, err
	}
	if !dev.Demo {
		if err := CheckRealRecipients(rs); err != nil {
			return nil, err
		}
	}
	old, err := s.Recipients()
	if err != nil {
		return nil, err
	}
	next := slices.Clone(rs)
	if add {
		next = slices.Clone(old)
		for _, r := range rs {
			if !slices.ContainsFunc(next, func(o seal.Recipient) bool { return o.Text == r.Text }) {
				next = append(next, r)
			}
		}
	}
	if slices.EqualFunc(old, next, func(a, b seal.Recipient) bool { return a.Text == b.Text }) {
		return nil, ErrSameRecipients
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM recipients`); err != nil {
		return nil, err
	}
	now := utc(s.clock())
	for _, r := range next {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recipients (recipient, fingerprint, added_at) VALUES (?, ?, ?)`,
			r.Text, r.Fingerprint(), now); err != nil {
			return nil, err
		}
	}
	verb := "replaced"
	if add {
		verb = "added"
	}
	detail := fmt.Sprintf("analyst keys %s: were %s; now %s", verb, fingerprints(old), fingerprints(next))
	if err := s.audit(ctx, tx, actor, "keys.change", detail); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return next, nil
}

// fingerprints lists the recipients' fingerprints, space-separated.
func fingerprints(rs []seal.Recipient) string {
	fps := make([]string, len(rs))
	for i, r := range rs {
		fps[i] = r.Fingerprint()
	}
	return strings.Join(fps, " ")
}
