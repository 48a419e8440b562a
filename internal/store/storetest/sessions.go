package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"newshub/internal/store"
)

// The admin area's sessions (store.Sessions), checked on two handles as
// two serving processes of one hub hold them.

var (
	sessionLife = store.SessionLife{Idle: 2 * time.Hour, Max: 12 * time.Hour}
	sessionT0   = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
)

// hashOf names a test session as the admin area does: by the SHA-256 of
// its identifier.
func hashOf(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

func startSession(t *testing.T, st store.Store, id, user string, at time.Time, max int) {
	t.Helper()
	s := store.Session{Hash: hashOf(id), User: user, Stamp: hashOf("stamp of " + user), Created: at, Seen: at}
	if err := st.StartSession(context.Background(), s, sessionLife, max); err != nil {
		t.Fatalf("StartSession(%s): %v", id, err)
	}
}

// live reports whether the session id is live at now through st.
func live(t *testing.T, st store.Store, id string, now time.Time) bool {
	t.Helper()
	_, err := st.TouchSession(context.Background(), hashOf(id), now, sessionLife)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("TouchSession(%s): %v", id, err)
	}
	return err == nil
}

func testSessionShared(t *testing.T, a, b store.Store) {
	ctx := context.Background()
	before, err := a.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	startSession(t, a, "s1", "ada", sessionT0, 100)
	later := sessionT0.Add(time.Minute)
	got, err := b.TouchSession(ctx, hashOf("s1"), later, sessionLife)
	if err != nil {
		t.Fatalf("the other handle: %v", err)
	}
	want := store.Session{Hash: hashOf("s1"), User: "ada", Stamp: hashOf("stamp of ada"), Created: sessionT0, Seen: later}
	if got.User != want.User || !bytes.Equal(got.Hash, want.Hash) || !bytes.Equal(got.Stamp, want.Stamp) ||
		!got.Created.Equal(want.Created) || !got.Seen.Equal(want.Seen) || got.Note != nil {
		t.Errorf("the other handle reads %+v, want %+v", got, want)
	}
	if _, err := b.TouchSession(ctx, hashOf("never started"), later, sessionLife); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown session: %v, want ErrNotFound", err)
	}
	if err := a.EndSessions(ctx, hashOf("s1"), hashOf("never started")); err != nil {
		t.Fatal(err)
	}
	if live(t, b, "s1", later) {
		t.Error("a session ended through one handle is live through the other")
	}
	if after, err := b.Generation(ctx); err != nil || after != before {
		t.Errorf("generation %d before sessions, %d (%v) after: sessions are not records", before, after, err)
	}
}

// testSessionExpires touches sessions as their life ends: one idle too
// long, one touched often but past its maximum age. An expired session is
// deleted: a touch at an earlier time finds it no more.
func testSessionExpires(t *testing.T, a, b store.Store) {
	startSession(t, a, "idle", "ada", sessionT0, 100)
	startSession(t, a, "busy", "ada", sessionT0, 100)
	for at := sessionT0.Add(time.Hour); at.Before(sessionT0.Add(sessionLife.Max)); at = at.Add(time.Hour) {
		if !live(t, b, "busy", at) {
			t.Fatalf("a session touched every hour ended at %v", at.Sub(sessionT0))
		}
	}
	if live(t, b, "busy", sessionT0.Add(sessionLife.Max)) {
		t.Error("a session is live at its maximum age")
	}
	if live(t, b, "idle", sessionT0.Add(sessionLife.Idle)) {
		t.Error("a session idle for its idle time is live")
	}
	for _, id := range []string{"idle", "busy"} {
		if live(t, a, id, sessionT0.Add(time.Minute)) {
			t.Errorf("the expired session %s was kept", id)
		}
	}
}

// testSessionTouch touches a session with a resolution of a minute: a
// touch within a minute of the seen written writes nothing, and the
// session ends its idle time after that seen; touched every 50 seconds,
// less than the resolution, it stays live past its idle time.
func testSessionTouch(t *testing.T, a, b store.Store) {
	life := sessionLife
	life.Touch = time.Minute
	touch := func(id string, at time.Duration) (time.Time, bool) {
		t.Helper()
		s, err := b.TouchSession(context.Background(), hashOf(id), sessionT0.Add(at), life)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("TouchSession at %v: %v", at, err)
		}
		return s.Seen, err == nil
	}
	startSession(t, a, "s1", "ada", sessionT0, 100)
	for _, c := range []struct {
		at, seen time.Duration // seen: the seen kept after the touch at at
	}{
		{30 * time.Second, 0},
		{time.Minute, 0},
		{90 * time.Second, 90 * time.Second},
		{2 * time.Minute, 90 * time.Second},
	} {
		if seen, ok := touch("s1", c.at); !ok || !seen.Equal(sessionT0.Add(c.seen)) {
			t.Errorf("touched at %v: seen %v (live %v), want %v", c.at, seen.Sub(sessionT0), ok, c.seen)
		}
	}
	if _, ok := touch("s1", 90*time.Second+life.Idle); ok {
		t.Error("a session idle for its idle time since the seen written is live")
	}
	startSession(t, a, "s2", "ada", sessionT0, 100)
	for at := time.Duration(0); at < life.Idle+time.Hour; at += 50 * time.Second {
		if _, ok := touch("s2", at); !ok {
			t.Fatalf("a session touched every 50 seconds ended at %v", at)
		}
	}
}

// testSessionCap starts sessions past the cap, and after some expired: the
// expired ones go first, then the least recently seen.
func testSessionCap(t *testing.T, a, b store.Store) {
	startSession(t, a, "old", "ada", sessionT0, 3)
	startSession(t, b, "s1", "ada", sessionT0.Add(3*time.Hour), 3)
	startSession(t, a, "s2", "bob", sessionT0.Add(3*time.Hour+time.Minute), 3)
	// At s3's start "old" has expired: swept, it leaves room for s3.
	startSession(t, b, "s3", "bob", sessionT0.Add(3*time.Hour+2*time.Minute), 3)
	at := sessionT0.Add(3*time.Hour + 3*time.Minute)
	if !live(t, a, "s1", at) {
		t.Fatal("s1 went, with an expired session to sweep")
	}
	// s1 was seen last now: s2 is the least recently seen.
	startSession(t, a, "s4", "ada", at, 3)
	for id, want := range map[string]bool{"old": false, "s1": true, "s2": false, "s3": true, "s4": true} {
		if got := live(t, b, id, at.Add(time.Minute)); got != want {
			t.Errorf("session %s live: %v, want %v", id, got, want)
		}
	}
}

func testSessionEndUser(t *testing.T, a, b store.Store) {
	for i := range 3 {
		startSession(t, a, fmt.Sprintf("ada%d", i), "ada", sessionT0, 100)
	}
	startSession(t, a, "bob", "bob", sessionT0, 100)
	n, err := b.EndUserSessions(context.Background(), "ada")
	if err != nil || n != 3 {
		t.Fatalf("EndUserSessions: %d %v, want 3", n, err)
	}
	if live(t, a, "ada0", sessionT0) || !live(t, a, "bob", sessionT0) {
		t.Error("ending ada's sessions ended another's, or left one of hers")
	}
}

// testSessionNote keeps a note through one handle and takes it through the
// other, once.
func testSessionNote(t *testing.T, a, b store.Store) {
	ctx := context.Background()
	startSession(t, a, "s1", "ada", sessionT0, 100)
	note := []byte(`{"Text":"Source added."}`)
	if err := a.SetSessionNote(ctx, hashOf("s1"), note); err != nil {
		t.Fatal(err)
	}
	if err := a.SetSessionNote(ctx, hashOf("never started"), note); err != nil {
		t.Errorf("a note for no session: %v", err)
	}
	for i, want := range [][]byte{note, nil} {
		got, err := b.TakeSessionNote(ctx, hashOf("s1"))
		if err != nil || !bytes.Equal(got, want) || (want == nil) != (got == nil) {
			t.Errorf("take %d: %q %v, want %q", i+1, got, err, want)
		}
	}
	if got, err := b.TakeSessionNote(ctx, hashOf("never started")); err != nil || got != nil {
		t.Errorf("the note of no session: %q %v", got, err)
	}
}

// testSessionKey asks both handles for a key, each with a fresh one of its
// own: the first stored is the one both get.
func testSessionKey(t *testing.T, a, b store.Store) {
	ctx := context.Background()
	first, second := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	for _, c := range []struct {
		st    store.Store
		name  string
		fresh []byte
		want  []byte
	}{
		{a, "sign-in", first, first},
		{b, "sign-in", second, first},
		{a, "sign-in", second, first},
		{b, "other", second, second},
	} {
		got, err := c.st.SessionKey(ctx, c.name, c.fresh)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("SessionKey(%s, %x): %x %v, want %x", c.name, c.fresh[0], got, err, c.want)
		}
	}
}
