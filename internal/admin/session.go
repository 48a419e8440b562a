package admin

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"newshub/internal/store"
)

// Sessions are kept in the store, so that every process serving the hub
// (several behind a balancer) honours them and a restart signs no one
// out. The store holds no secret of a session: it is named there by the
// SHA-256 of its identifier, its form token is a MAC under the
// identifier (csrfToken), and the password stamp it was signed in with is
// kept as a digest; none can be used from a disk or a backup.

// maxSessions bounds the sessions kept; past it, the least recently used
// goes.
const maxSessions = 10000

// touchOf is the resolution of a session's last use (store.SessionLife's
// Touch) for an idle time of idle: a minute, so that a session in use
// costs the store a write a minute, not one a request; a tenth of a
// shorter idle time, so that a session never ends much before it.
func touchOf(idle time.Duration) time.Duration {
	return min(time.Minute, idle/10)
}

// session is a signed-in user's session as a request sees it.
type session struct {
	id   string // the cookie's value
	user string
	csrf string // the token every form of the session carries
	// stamp is the digest of the account's password stamp
	// (users.Accounts.Stamp) at sign-in: a new password ends the
	// sessions signed in with the old.
	stamp []byte
	note  bool // a message waits for the session's next page
}

// flash is a message shown once, on the page a form leads back to.
type flash struct {
	Text  string
	Error bool
	// Field is the element id of the form's field the error is about,
	// and Typed what the form's fields held, by element id: the page
	// marks the field and fills the form again (see fields.go).
	Field string
	Typed map[string]string
}

// sessions are the area's sessions as the store keeps them.
type sessions struct {
	st   store.Sessions
	life store.SessionLife
}

// token returns 256 random bits as text.
func token() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashOf is what the store names a session by.
func hashOf(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

// stampDigest is what the store keeps of a password stamp: the stamp
// itself keys the MAC of the cookie of a known browser (knownToken).
func stampDigest(stamp string) []byte {
	h := sha256.Sum256([]byte("stamp\x00" + stamp))
	return h[:]
}

// csrfToken is the form token of the session id: any process computes it
// from the cookie, and no one from what the store keeps.
func csrfToken(id string) string {
	m := hmac.New(sha256.New, []byte(id))
	m.Write([]byte("csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// start begins a new session for user, signed in with the password
// stamp names, sweeping the expired ones.
func (s *sessions) start(ctx context.Context, user, stamp string, now time.Time) (session, error) {
	id := token()
	rec := store.Session{Hash: hashOf(id), User: user, Stamp: stampDigest(stamp), Created: now, Seen: now}
	if err := s.st.StartSession(ctx, rec, s.life, maxSessions); err != nil {
		return session{}, err
	}
	return session{id: id, user: user, csrf: csrfToken(id), stamp: rec.Stamp}, nil
}

// find returns the live session named id, and marks it used; false for
// none.
func (s *sessions) find(ctx context.Context, id string, now time.Time) (session, bool, error) {
	if id == "" {
		return session{}, false, nil
	}
	rec, err := s.st.TouchSession(ctx, hashOf(id), now, s.life)
	if errors.Is(err, store.ErrNotFound) {
		return session{}, false, nil
	}
	if err != nil {
		return session{}, false, err
	}
	return session{id: id, user: rec.User, csrf: csrfToken(id), stamp: rec.Stamp, note: rec.Note != nil}, true, nil
}

// end ends a session, in every process.
func (s *sessions) end(ctx context.Context, id string) error {
	return s.st.EndSessions(ctx, hashOf(id))
}

// endUser ends every session of user (an account removed).
func (s *sessions) endUser(ctx context.Context, user string) error {
	_, err := s.st.EndUserSessions(ctx, user)
	return err
}

// setFlash keeps a message for the session's next page.
func (s *sessions) setFlash(ctx context.Context, id string, f flash) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.st.SetSessionNote(ctx, hashOf(id), b)
}

// takeFlash returns and forgets the session's message.
func (s *sessions) takeFlash(ctx context.Context, sess session) (flash, error) {
	var f flash
	if !sess.note {
		return f, nil
	}
	b, err := s.st.TakeSessionNote(ctx, hashOf(sess.id))
	if err != nil || b == nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return flash{}, fmt.Errorf("the session's message: %w", err)
	}
	return f, nil
}

// Cookies. The session's is limited to the admin area, so public pages
// never receive it and stay cacheable; over TLS its name carries the
// __Secure- prefix, which browsers accept only on a Secure cookie.
const (
	sessionCookie = "newshub-admin"
	signInCookie  = "newshub-admin-signin" // the sign-in form's nonce
	knownCookie   = "newshub-admin-known"  // a browser that signed in before
)

func cookieName(base string, secure bool) string {
	if secure {
		return "__Secure-" + base
	}
	return base
}

// setCookie sets (or, with maxAge < 0, removes) one of the area's cookies.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, base, value string, maxAge time.Duration) {
	secure := h.secure(r)
	c := &http.Cookie{Name: cookieName(base, secure), Value: value, Path: Prefix, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode}
	switch {
	case maxAge < 0:
		c.MaxAge = -1
	case maxAge > 0:
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, c)
}

// cookie returns the value of one of the area's cookies, or "".
func (h *Handler) cookie(r *http.Request, base string) string {
	c, err := r.Cookie(cookieName(base, h.secure(r)))
	if err != nil {
		return ""
	}
	return c.Value
}
