package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Sessions are kept in memory, not in the store: they are few, short-lived
// and worth nothing after a restart but the trouble of signing in again,
// and a session never written down cannot be read from a disk or a backup.

// maxSessions bounds the sessions kept; past it, the least recently used
// goes.
const maxSessions = 10000

// session is a signed-in user's session as a request sees it.
type session struct {
	id   string // the cookie's value
	user string
	csrf string // the token every form of the session carries
	// stamp is the account's password stamp (users.Accounts.Stamp) at
	// sign-in: a new password ends the sessions signed in with the old.
	stamp string
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

type sessionEntry struct {
	user, csrf    string
	stamp         string
	created, seen time.Time
	flash         flash
}

// sessions is the server-side session store.
type sessions struct {
	idle, maxAge time.Duration

	mu sync.Mutex
	m  map[[32]byte]*sessionEntry // by the SHA-256 of the identifier
}

func newSessions(idle, maxAge time.Duration) *sessions {
	return &sessions{idle: idle, maxAge: maxAge, m: map[[32]byte]*sessionEntry{}}
}

// token returns 256 random bits as text.
func token() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func key(id string) [32]byte { return sha256.Sum256([]byte(id)) }

// start begins a new session for user, signed in with the password
// stamp names.
func (s *sessions) start(user, stamp string, now time.Time) session {
	id, csrf := token(), token()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxSessions {
		s.prune(now)
	}
	s.m[key(id)] = &sessionEntry{user: user, csrf: csrf, stamp: stamp, created: now, seen: now}
	return session{id: id, user: user, csrf: csrf, stamp: stamp}
}

// find returns the live session named id, and marks it used.
func (s *sessions) find(id string, now time.Time) (session, bool) {
	if id == "" {
		return session{}, false
	}
	k := key(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	if !ok {
		return session{}, false
	}
	if s.expired(e, now) {
		delete(s.m, k)
		return session{}, false
	}
	e.seen = now
	return session{id: id, user: e.user, csrf: e.csrf, stamp: e.stamp}, true
}

func (s *sessions) expired(e *sessionEntry, now time.Time) bool {
	return now.Sub(e.seen) >= s.idle || now.Sub(e.created) >= s.maxAge
}

// end ends a session.
func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key(id))
}

// endUser ends every session of user (an account removed).
func (s *sessions) endUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, e := range s.m {
		if e.user == user {
			delete(s.m, k)
		}
	}
}

// setFlash keeps a message for the session's next page.
func (s *sessions) setFlash(id string, f flash) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key(id)]; ok {
		e.flash = f
	}
}

// takeFlash returns and forgets the session's message.
func (s *sessions) takeFlash(id string) flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key(id)]
	if !ok {
		return flash{}
	}
	f := e.flash
	e.flash = flash{}
	return f
}

// prune drops the expired sessions and, when that is not enough, the
// least recently used. Call with s.mu held.
func (s *sessions) prune(now time.Time) {
	var oldest [32]byte
	var oldestSeen time.Time
	for k, e := range s.m {
		if s.expired(e, now) {
			delete(s.m, k)
			continue
		}
		if oldestSeen.IsZero() || e.seen.Before(oldestSeen) {
			oldest, oldestSeen = k, e.seen
		}
	}
	if len(s.m) >= maxSessions {
		delete(s.m, oldest)
	}
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
