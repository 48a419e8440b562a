package newsletter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// SendOnce mails the issue, as Send does, to the addresses of the list
// that the stored issue does not record as done with (every address of
// the list with resend), and records in the stored issue what became of
// each: an issue is mailed once to each reader, whichever process or run
// of newsletter mails it. It returns how many messages the server
// accepted and the addresses skipped, mailed the issue before.
func (m *Mailer) SendOnce(ctx context.Context, st store.Store, is *Issue, resend bool) (sent int, skipped []string, err error) {
	if m.SMTP == nil {
		return 0, nil, errors.New("newsletter: no smtp settings")
	}
	mg, err := mailing(ctx, st, is.Path)
	if err != nil {
		return 0, nil, err
	}
	to := m.SMTP.To
	if !resend {
		to, skipped = notDone(to, mg)
	}
	if len(to) == 0 {
		return 0, skipped, nil
	}
	sent, retry, err := m.send(ctx, is, to)
	if rerr := recordSent(ctx, st, is.Path, to, retry); rerr != nil {
		return sent, skipped, errors.Join(err, rerr)
	}
	return sent, skipped, err
}

// mailing returns what the stored issue at path records of its mailing,
// never nil.
func mailing(ctx context.Context, st store.Store, path string) (*model.Mailing, error) {
	rec, err := st.Get(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("newsletter %s: %w", path, err)
	}
	if rec.Newsletter == nil || rec.Newsletter.Mailing == nil {
		return &model.Mailing{}, nil
	}
	return rec.Newsletter.Mailing, nil
}

// notDone parts the addresses to into those still to be mailed and those
// done with.
func notDone(to []string, mg *model.Mailing) (todo, done []string) {
	for _, a := range to {
		if mg != nil && slices.Contains(mg.Done, a) {
			done = append(done, a)
		} else {
			todo = append(todo, a)
		}
	}
	return todo, done
}

// updateMailing changes what the stored issue at path records of its
// mailing.
func updateMailing(ctx context.Context, st store.Store, path string, fn func(*model.Mailing)) error {
	rec, err := st.Get(ctx, path)
	if err != nil {
		return fmt.Errorf("newsletter %s: record mailing: %w", path, err)
	}
	if rec.Newsletter == nil {
		return fmt.Errorf("newsletter %s: record mailing: not an issue", path)
	}
	mg := rec.Newsletter.Mailing
	if mg == nil {
		mg = &model.Mailing{}
	}
	fn(mg)
	rec.Newsletter.Mailing = mg
	if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
		return fmt.Errorf("newsletter %s: record mailing: %w", path, err)
	}
	return nil
}

// recordSent records a send to the addresses to: those not to be tried
// again (retry) are done with, and are no longer pending.
func recordSent(ctx context.Context, st store.Store, path string, to, retry []string) error {
	return updateMailing(ctx, st, path, func(mg *model.Mailing) {
		for _, a := range to {
			if !slices.Contains(retry, a) && !slices.Contains(mg.Done, a) {
				mg.Done = append(mg.Done, a)
			}
		}
		mg.Pending = slices.DeleteFunc(mg.Pending, func(a string) bool { return slices.Contains(mg.Done, a) })
		if len(mg.Pending) == 0 {
			mg.Tries, mg.Next = 0, time.Time{}
		}
	})
}
