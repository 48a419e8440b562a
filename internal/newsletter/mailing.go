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
// of newsletter mails it, and the addresses the server put off are
// mailed by the schedule of serve or ingest (see Scheduler). It returns
// how many messages the server accepted and the addresses skipped,
// mailed the issue before.
func (m *Mailer) SendOnce(ctx context.Context, st store.Store, is *Issue, resend bool) (sent int, skipped []string, err error) {
	if m.SMTP == nil {
		return 0, nil, errors.New("newsletter: no smtp settings")
	}
	// Under the lock the schedule mails under: a run started while
	// another process mails the issue waits, then finds its readers done
	// with, rather than reading that no one had it and mailing it again.
	err = exclusive(ctx, st, func(ctx context.Context) error {
		var serr error
		sent, skipped, serr = m.sendOnce(ctx, st, is, resend)
		return serr
	})
	return sent, skipped, err
}

func (m *Mailer) sendOnce(ctx context.Context, st store.Store, is *Issue, resend bool) (sent int, skipped []string, err error) {
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
	l, err := is.letter()
	if err != nil {
		return 0, skipped, err
	}
	now := m.now()
	if err := markPending(ctx, st, l, to, now); err != nil {
		return 0, skipped, err
	}
	sent, retry, err := m.send(ctx, l, to, recordDone(ctx, st, l.path))
	if rerr := recordSent(ctx, st, l.path, to, retry, len(retry) > 0, now.Add(time.Minute)); rerr != nil {
		return sent, skipped, errors.Join(err, rerr)
	}
	return sent, skipped, err
}

func (m *Mailer) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
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
// mailing, as fn changes it. fn is called again on the issue read again
// when another writer changed it between the read and the write (the
// issue written again without a withheld article): neither undoes the
// other.
func updateMailing(ctx context.Context, st store.Store, path string, fn func(*model.Mailing)) error {
	for try := 1; ; try++ {
		err := updateMailingOnce(ctx, st, path, fn)
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) || try == saveTries {
			return err
		}
	}
}

func updateMailingOnce(ctx context.Context, st store.Store, path string, fn func(*model.Mailing)) error {
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
	if err := st.UpsertIfUnchanged(ctx, []*model.Record{rec}); err != nil {
		return fmt.Errorf("newsletter %s: record mailing: %w", path, err)
	}
	return nil
}

// markPending records, before a send, that the addresses to are to get
// the letter: a process that ends before the send is over leaves them to
// the next one's schedule.
func markPending(ctx context.Context, st store.Store, l *letter, to []string, now time.Time) error {
	return updateMailing(ctx, st, l.path, func(mg *model.Mailing) {
		mg.Pending = slices.Clone(to)
		mg.Tries, mg.Next = 0, now
		mg.Subject, mg.Text = l.subject, l.text
	})
}

// recordTimeout bounds the recording of a send that outlives its context.
const recordTimeout = 10 * time.Second

// recordDone returns a function that records in the stored issue at path
// that an address is done with, as send reports each: mailed, it is not
// mailed again whatever becomes of the rest of the list. It records even
// when ctx has ended the send (a SIGTERM midway), as recordSent does.
func recordDone(ctx context.Context, st store.Store, path string) func(string) error {
	return func(addr string) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		return updateMailing(ctx, st, path, func(mg *model.Mailing) {
			if !slices.Contains(mg.Done, addr) {
				mg.Done = append(mg.Done, addr)
			}
			mg.Pending = slices.DeleteFunc(mg.Pending, func(a string) bool { return a == addr })
		})
	}
}

// recordSent records a send to the addresses to: those the server did not
// put off (not in retry) are done with; those it did stay pending, to be
// tried again at next, when again, else are left for a later run.
func recordSent(ctx context.Context, st store.Store, path string, to, retry []string, again bool, next time.Time) error {
	// What the server took is recorded even when ctx ended the send (a
	// SIGTERM midway): left pending, it would be mailed again by the next
	// process.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return updateMailing(ctx, st, path, func(mg *model.Mailing) {
		for _, a := range to {
			if !slices.Contains(retry, a) && !slices.Contains(mg.Done, a) {
				mg.Done = append(mg.Done, a)
			}
		}
		if again {
			mg.Pending = slices.Clone(retry)
			mg.Tries++
			mg.Next = next
			return
		}
		clearPending(mg)
	})
}

func clearPending(mg *model.Mailing) {
	mg.Pending, mg.Tries, mg.Next, mg.Subject, mg.Text = nil, 0, time.Time{}, "", ""
}

// pendingOf returns the mailing of the stored issue r still to be tried,
// or nil.
func pendingOf(r *model.Record) *pendingMail {
	n := r.Newsletter
	if n == nil || n.Mailing == nil || len(n.Mailing.Pending) == 0 || n.Mailing.Text == "" {
		return nil
	}
	mg := n.Mailing
	d, ok := DateOfPath(r.Path)
	if !ok {
		return nil
	}
	l := &letter{path: r.Path, date: d, subject: mg.Subject, html: n.Body, text: mg.Text, published: n.PublishedDateTime}
	return &pendingMail{l: l, to: slices.Clone(mg.Pending), tries: mg.Tries, next: mg.Next}
}
