package admin

import (
	"bytes"
	"container/list"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"newshub/internal/store"
)

// public serves a path that needs no session: the sign-in page and the
// stylesheet. A POST to it is still checked for cross-origin requests.
func (h *Handler) public(fn http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if err := h.origin.Check(r); err != nil {
				h.refuse(w, r, "cross-origin request")
				return
			}
		}
		fn(w, r)
	})
}

// signedIn serves a path that needs a session: without one, a GET is sent
// to the sign-in page and anything else refused. With one, a POST must
// come from the area's own pages: same origin, and the session's token.
// A store out of reach is answered 503 with Retry-After: the request may
// well have a session, and the sign-in page would fail too.
func (h *Handler) signedIn(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok, err := h.session(r)
		if err != nil {
			h.unavailable(w, r, err)
			return
		}
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next := url.Values{"next": {r.URL.RequestURI()}}
				http.Redirect(w, r, Prefix+"sign-in?"+next.Encode(), http.StatusSeeOther)
				return
			}
			h.refuse(w, r, "no session")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := h.origin.Check(r); err != nil {
				h.refuse(w, r, "cross-origin request")
				return
			}
			if !sameToken(r.PostFormValue(csrfField), s.csrf) {
				h.refuse(w, r, "missing or wrong form token")
				return
			}
		}
		fn(w, r, s)
	})
}

// csrfField is the hidden field of every form that carries its token.
const csrfField = "csrf"

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// session returns the request's live session whose account still exists
// with the password it was signed in with. A store out of reach is
// returned, for the caller to answer (see unavailable); a store or
// accounts file that cannot be read otherwise is logged, and the request
// has no session.
func (h *Handler) session(r *http.Request) (session, bool, error) {
	ctx := r.Context()
	id := h.cookie(r, sessionCookie)
	s, ok, err := h.sessions.find(ctx, id, h.now())
	if errors.Is(err, store.ErrUnavailable) {
		return session{}, false, err
	}
	if err != nil {
		h.cfg.Outage.Failed(ctx, slog.LevelError, "admin: sessions", err)
		return session{}, false, nil
	}
	if id != "" {
		h.cfg.Outage.Answered(ctx) // the store was read
	}
	if !ok {
		return session{}, false, nil
	}
	stamp, exists, err := h.users.Stamp(s.user)
	if err != nil {
		h.log.Error("admin: accounts", "err", err)
		return session{}, false, nil
	}
	switch {
	case !exists:
		h.logErr("end the sessions of a removed account", h.sessions.endUser(ctx, s.user))
		return session{}, false, nil
	case !bytes.Equal(stampDigest(stamp), s.stamp):
		// A password set anew is often one that leaked: whoever signed
		// in with the old one is signed out.
		h.logErr("end a session of an old password", h.sessions.end(ctx, s.id))
		return session{}, false, nil
	}
	return s, true, nil
}

// logErr logs the error of what failed, if any.
func (h *Handler) logErr(what string, err error) {
	if err != nil {
		h.log.Error("admin: "+what, "err", err)
	}
}

// refuse answers a request that lacks what it needs with 403 and says why
// in the log; the answer does not.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, why string) {
	h.log.Warn("admin: refused", "method", r.Method, "path", r.URL.Path, "why", why, "remote", r.RemoteAddr)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	w.Write([]byte("Forbidden: sign in at " + Prefix + "sign-in and use the forms of the admin area.\n"))
}

// Limits bound sign-in attempts, each a token bucket: Burst attempts at
// once, then one every Every.
type Limits struct {
	AccountBurst int
	AccountEvery time.Duration
	AddressBurst int
	AddressEvery time.Duration
}

// DefaultLimits: 5 attempts for one account name, then one every 20 s (3
// a minute); 20 from one client address, then one every 5 s. A person
// who mistypes is never held back long; a guesser gets a few thousand
// tries a day per account.
func DefaultLimits() Limits {
	return Limits{AccountBurst: 5, AccountEvery: 20 * time.Second, AddressBurst: 20, AddressEvery: 5 * time.Second}
}

// attempts counts sign-in attempts per account name and client address.
type attempts struct {
	mu               sync.Mutex
	account, address *buckets
}

func newAttempts(l Limits) *attempts {
	return &attempts{account: newBuckets(l.AccountBurst, l.AccountEvery), address: newBuckets(l.AddressBurst, l.AddressEvery)}
}

// allow takes an attempt from both the name's and the address's bucket,
// or from neither when either is empty.
func (a *attempts) allow(name, addr string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, adr := a.account.get(name), a.address.get(addr)
	if acc.TokensAt(now) < 1 || adr.TokensAt(now) < 1 {
		return false
	}
	return acc.AllowN(now, 1) && adr.AllowN(now, 1)
}

// allowKnown takes an attempt from the bucket of a browser known to an
// account (see Handler.knownBrowser) alone: its address may be a proxy's
// that every client shares, guessers included.
func (a *attempts) allowKnown(browser string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.account.get(browser).AllowN(now, 1)
}

// maxBuckets bounds the buckets kept per kind. Past it, the one used
// least recently goes: a flood of new names or addresses costs its
// sender the attempts it spends, and no one else more than a bucket
// made full again.
const maxBuckets = 100000

// buckets are token buckets by key, the most recently used first.
type buckets struct {
	burst int
	every rate.Limit
	max   int
	m     map[string]*list.Element // of *bucket
	order *list.List
}

type bucket struct {
	key string
	*rate.Limiter
}

func newBuckets(burst int, every time.Duration) *buckets {
	return &buckets{burst: burst, every: rate.Every(every), max: maxBuckets, m: map[string]*list.Element{}, order: list.New()}
}

// get returns the key's bucket, made full when new. Where it was refused
// to a new key while the table was full, a flood of keys (from many
// addresses, or with many names) kept out everyone not in it yet.
func (b *buckets) get(key string) *rate.Limiter {
	if e, ok := b.m[key]; ok {
		b.order.MoveToFront(e)
		return e.Value.(*bucket).Limiter
	}
	for len(b.m) >= b.max {
		last := b.order.Back()
		b.order.Remove(last)
		delete(b.m, last.Value.(*bucket).key)
	}
	l := rate.NewLimiter(b.every, b.burst)
	b.m[key] = b.order.PushFront(&bucket{key: key, Limiter: l})
	return l
}

// clientAddress names the client of r for rate limits: its IP address,
// an IPv6 address by its /64, which one subscriber usually holds whole.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() != nil {
		return ip.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// localPath returns p when it is a path of the admin area, else the
// area's start: forms and the sign-in page send the browser back only
// within the area. A path with dot segments, written plainly or escaped
// (a browser resolves "%2e%2e" as ".."), or with control characters,
// which browsers drop, is not taken as one.
func localPath(p string) string {
	if !strings.HasPrefix(p, Prefix) || strings.Contains(p, "\\") {
		return Prefix
	}
	u, err := url.Parse(p) // refuses control characters
	if err != nil || u.Host != "" || !cleanPath(u.Path) {
		return Prefix
	}
	return p
}

// cleanPath reports whether p has no dot segment and no empty one: whether
// it is the path a browser would go to.
func cleanPath(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}
