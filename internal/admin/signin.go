package admin

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"newshub/internal/admin/users"
)

// signInLife bounds how long a sign-in form stays good.
const signInLife = time.Hour

// knownLife is how long a browser stays known to an account it signed in
// to (see knownBrowser).
const knownLife = 180 * 24 * time.Hour

// signInForm is what the sign-in page shows.
type signInForm struct {
	Name    string
	Next    string
	Message string // why the last attempt failed, or a notice
	Error   bool
	Wrong   bool // the name or the password was wrong: the fields are invalid
}

// signInToken is the sign-in form's token: a MAC of the nonce in its
// cookie, so a page of another site can neither read nor forge it.
func signInToken(key []byte, nonce string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("sign-in\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signInKey returns the key of the sign-in form's token, the same in
// every process of the hub, so that a form one process served signs in
// at another: the store keeps the one the first process made. It is read
// once; a failed read is tried again at the next request.
func (h *Handler) signInKey(ctx context.Context) ([]byte, error) {
	h.keyMu.Lock()
	defer h.keyMu.Unlock()
	if h.key == nil {
		fresh := make([]byte, 32)
		rand.Read(fresh) // never fails (crypto/rand)
		key, err := h.cfg.Store.SessionKey(ctx, "sign-in", fresh)
		if err != nil {
			return nil, fmt.Errorf("the sign-in form's key: %w", err)
		}
		h.cfg.Outage.Answered(ctx)
		h.key = key
	}
	return h.key, nil
}

// unavailable answers a request the store failed, with 503 and
// Retry-After, and logs why, once for an outage of the store; the answer
// does not say.
func (h *Handler) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	h.cfg.Outage.Failed(r.Context(), slog.LevelError, "admin: store", err, "method", r.Method, "path", r.URL.Path)
	w.Header().Set("Retry-After", "10")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte("Service Unavailable: the hub's store could not be reached (the server's log says why). Try again.\n"))
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	_, ok, err := h.session(r)
	if err != nil {
		h.unavailable(w, r, err)
		return
	}
	if ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	f := signInForm{Next: next}
	if r.URL.Query().Has("out") {
		f.Message = "You are signed out."
	}
	h.showSignIn(w, r, http.StatusOK, f)
}

// showSignIn renders the sign-in form with a token for the request's
// nonce, setting a new nonce when it has none.
func (h *Handler) showSignIn(w http.ResponseWriter, r *http.Request, status int, f signInForm) {
	key, err := h.signInKey(r.Context())
	if err != nil {
		h.unavailable(w, r, err)
		return
	}
	nonce := h.cookie(r, signInCookie)
	if nonce == "" {
		nonce = token()
		h.setCookie(w, r, signInCookie, nonce, signInLife)
	}
	h.render(w, r, status, "sign-in", page{Title: "Sign in", CSRF: signInToken(key, nonce), Data: f})
}

// The answers to a failed sign-in. An unknown name and a wrong password
// get the same one, after the same work.
const (
	msgWrong   = "Wrong name or password."
	msgLimited = "Too many sign-in attempts. Wait a minute, then try again."
	msgExpired = "The sign-in form had expired. Please try again."
)

// whyNoCookie is the answer to a sign-in whose form came without its
// cookie: when the page was on plain http (its Origin says so) and the
// area's cookies are Secure, the browser dropped them, and would drop the
// session's too, so trying again cannot help; else msg.
func (h *Handler) whyNoCookie(r *http.Request, msg string) string {
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("Origin")), "http://") || !h.secure(r) {
		return msg
	}
	where := "over https"
	if base, ok := h.httpsBase(r); ok {
		where = "at https://" + base.Host + strings.TrimSuffix(base.Path, "/") + Prefix
	}
	return "This page came over plain http, and the hub's address is https: its sign-in cookies are Secure, " +
		"which a browser keeps only over https. Open the admin area " + where +
		", or from another machine of its network by this server's IP address, where they are not Secure."
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(strings.TrimSpace(r.PostFormValue("name")))
	password := r.PostFormValue("password")
	f := signInForm{Name: name, Next: localPath(r.PostFormValue("next")), Error: true}
	formKey, err := h.signInKey(r.Context())
	if err != nil {
		h.unavailable(w, r, err)
		return
	}
	nonce := h.cookie(r, signInCookie)
	if nonce == "" || !sameToken(r.PostFormValue(csrfField), signInToken(formKey, nonce)) {
		h.log.Warn("admin: sign-in form without its token", "remote", r.RemoteAddr)
		f.Message = msgExpired
		if nonce == "" {
			f.Message = h.whyNoCookie(r, f.Message)
		}
		h.showSignIn(w, r, http.StatusForbidden, f)
		return
	}
	// A name no account can have counts with all the others like it, so
	// made-up names cannot fill the limiter.
	key := name
	if users.CheckName(name) != nil {
		key = "(not a name)"
	}
	var allowed bool
	if id, ok := h.knownBrowser(r, key); ok {
		// A browser the account signed in from has attempts of its own,
		// so a guesser spending the account's or the address's cannot
		// keep its user out.
		allowed = h.attempts.allowKnown(name+"\x00"+id, h.now())
	} else {
		allowed = h.attempts.allow(key, clientAddress(r), h.now())
	}
	if !allowed {
		h.log.Warn("admin: sign-in attempts limited", "name", name, "remote", r.RemoteAddr)
		w.Header().Set("Retry-After", "60")
		f.Message = msgLimited
		h.showSignIn(w, r, http.StatusTooManyRequests, f)
		return
	}
	stamp, ok, err := h.verify(r, name, password)
	if err != nil {
		h.log.Error("admin: sign-in", "name", name, "err", err)
	}
	if !ok {
		h.log.Info("admin: sign-in failed", "name", name, "remote", r.RemoteAddr)
		f.Message, f.Wrong = msgWrong, true
		h.showSignIn(w, r, http.StatusUnauthorized, f)
		return
	}
	// A new session every time: an identifier planted before sign-in is
	// worth nothing after it.
	if old := h.cookie(r, sessionCookie); old != "" {
		h.logErr("end the session planted before sign-in", h.sessions.end(r.Context(), old))
	}
	s, err := h.sessions.start(r.Context(), name, stamp, h.now())
	if err != nil {
		h.unavailable(w, r, fmt.Errorf("start a session of %s: %w", name, err))
		return
	}
	h.setCookie(w, r, sessionCookie, s.id, 0)
	h.setCookie(w, r, signInCookie, "", -1)
	h.setCookie(w, r, knownCookie, knownToken(stamp, name, token()), knownLife)
	h.log.Info("admin: signed in", "user", name, "remote", r.RemoteAddr)
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
}

// knownToken is the value of the cookie that says a browser signed in to
// name: a nonce, which names the browser, and a MAC of it under the
// account's password stamp. The stamp is a digest of the password's hash,
// which only the server holds, so the cookie stays good across restarts,
// and a new password, which may be one that leaked, forgets every browser
// that signed in with the old.
func knownToken(stamp, name, nonce string) string {
	m := hmac.New(sha256.New, []byte(stamp))
	m.Write([]byte("known\x00" + name + "\x00" + nonce))
	return nonce + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownBrowser reports whether r comes from a browser that signed in to
// name with its password as it is now, and names the browser.
func (h *Handler) knownBrowser(r *http.Request, name string) (string, bool) {
	v := h.cookie(r, knownCookie)
	nonce, _, ok := strings.Cut(v, ".")
	if !ok || nonce == "" {
		return "", false
	}
	stamp, exists, err := h.users.Stamp(name)
	if err != nil || !exists {
		return "", false
	}
	return nonce, hmac.Equal([]byte(v), []byte(knownToken(stamp, name, nonce)))
}

// verify checks a password, at most two at once: each check holds the
// memory argon2id asks for. It returns the password's stamp, which the
// session keeps (see users.Accounts.Stamp).
func (h *Handler) verify(r *http.Request, name, password string) (string, bool, error) {
	select {
	case h.hashing <- struct{}{}:
	case <-r.Context().Done():
		return "", false, r.Context().Err()
	}
	defer func() { <-h.hashing }()
	return h.users.VerifyStamp(name, password)
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, s session) {
	if err := h.sessions.end(r.Context(), s.id); err != nil {
		// The session lives on: the browser is not told it is out.
		h.unavailable(w, r, fmt.Errorf("end a session of %s: %w", s.user, err))
		return
	}
	h.setCookie(w, r, sessionCookie, "", -1)
	h.log.Info("admin: signed out", "user", s.user)
	http.Redirect(w, r, Prefix+"sign-in?out=1", http.StatusSeeOther)
}
