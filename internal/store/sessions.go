package store

import (
	"context"
	"time"
)

// Session is a signed-in editor's session of the admin area as a store
// keeps it, so that every process serving the hub honours it. The store
// holds no secret of it: the session is named by the SHA-256 of the
// identifier its cookie carries, and the password stamp it was signed in
// with by a digest too.
type Session struct {
	Hash    []byte // the SHA-256 of the session's identifier
	User    string
	Stamp   []byte    // a digest of the account's password stamp at sign-in
	Created time.Time // when it was signed in
	Seen    time.Time // its last request
	// Note is a message for the session's next page, kept as the admin
	// area wrote it (JSON); nil when there is none.
	Note []byte
}

// SessionLife bounds a session's life: it ends after Idle without a
// request, and after Max in any case. A store compares by its arguments'
// clock (the now given), not its own, so a test's clock holds.
//
// Touch is the resolution of its last request: a touch within Touch of
// the one written last writes nothing, so that a hub's database takes
// one write a Touch per session in use, not one a request; the idle
// time is counted from up to Touch before the last request.
type SessionLife struct {
	Idle, Max, Touch time.Duration
}

// Live reports whether a session last seen at seen and created at
// created is live at now.
func (l SessionLife) Live(created, seen, now time.Time) bool {
	return seen.After(now.Add(-l.Idle)) && created.After(now.Add(-l.Max))
}

// Stale reports whether a live session's seen is to be written at now.
func (l SessionLife) Stale(seen, now time.Time) bool {
	return now.Sub(seen) > l.Touch
}

// Sessions keeps the admin area's sessions and the key of its sign-in
// form. Like leases, they are not hub data: writing them leaves the
// Generation alone, and neither copy nor export carries them.
type Sessions interface {
	// StartSession stores s, first deleting the sessions expired at
	// s.Created by life and, when max or more remain, the least recently
	// seen, so that at most max are kept.
	StartSession(ctx context.Context, s Session, life SessionLife, max int) error
	// TouchSession returns the session named by hash, live at now by
	// life, and marks it seen at now when its seen is more than
	// life.Touch before (see SessionLife.Stale); ErrNotFound when there
	// is none live (an expired one is deleted).
	TouchSession(ctx context.Context, hash []byte, now time.Time, life SessionLife) (Session, error)
	// EndSessions deletes the sessions named by hashes; unknown ones are
	// passed over.
	EndSessions(ctx context.Context, hashes ...[]byte) error
	// EndUserSessions deletes every session of user and returns how many.
	EndUserSessions(ctx context.Context, user string) (int, error)
	// SetSessionNote keeps note for the session's next page, replacing
	// the one kept; a session there is none of is passed over.
	SetSessionNote(ctx context.Context, hash, note []byte) error
	// TakeSessionNote returns the session's note and forgets it; nil when
	// there is none.
	TakeSessionNote(ctx context.Context, hash []byte) ([]byte, error)
	// SessionKey returns the key called name, storing fresh as it when
	// there is none: the first process to ask makes it, and every
	// process after gets the same.
	SessionKey(ctx context.Context, name string, fresh []byte) ([]byte, error)
}
