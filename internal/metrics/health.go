package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"newshub/internal/store"
)

// Check is one condition of readiness: Run returns nil when it holds, else
// why not.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// checkTimeout bounds each readiness check: a store that does not answer
// within it is not ready.
const checkTimeout = 2 * time.Second

// StoreReachable is ready when the store answers a read and, for a store
// kept in a file (SQLite), the file it has open is still the one at its
// path.
func StoreReachable(st store.Store) Check {
	return Check{Name: "store", Run: func(ctx context.Context) error {
		if _, err := st.Generation(ctx); err != nil {
			return err
		}
		if f, ok := st.(interface{ Present() error }); ok {
			return f.Present()
		}
		return nil
	}}
}

// ViewLoaded is ready once loaded reports true: the server has the hub's
// view to answer from.
func ViewLoaded(loaded func() bool) Check {
	return Check{Name: "view", Run: func(context.Context) error {
		if !loaded() {
			return errors.New("the hub's view is not loaded yet")
		}
		return nil
	}}
}

// Healthz answers 200 "ok" while the process serves HTTP at all.
func Healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !getOrHead(w, r) {
			return
		}
		writeText(w, http.StatusOK, "ok\n")
	})
}

// Readyz answers 200 "ready" when every check holds, else 503 with a line
// per check that does not ("store: database is closed"). It is for an
// address only operators reach; see PublicReadyz.
func Readyz(checks ...Check) http.Handler {
	return readyz(func(c Check, err error) string { return fmt.Sprintf("%s: %v", c.Name, err) }, checks)
}

// PublicReadyz is Readyz for an address anyone reaches (the site's): a
// check that does not hold is named ("store: not ready") and its error
// logged, not told, since a database driver's error names the database's
// user, name and address.
func PublicReadyz(log *slog.Logger, checks ...Check) http.Handler {
	l := &readyLog{log: log, failing: map[string]string{}}
	return readyz(func(c Check, err error) string {
		l.note(c.Name, err)
		return c.Name + ": not ready"
	}, checks)
}

// readyLog logs a check when it starts to fail, fails otherwise or holds
// again, not at every probe: a load balancer probes every few seconds,
// and a store down for an hour logged a line at each.
type readyLog struct {
	log     *slog.Logger
	mu      sync.Mutex
	failing map[string]string // the error last logged, by check
}

func (l *readyLog) note(check string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	was, failed := l.failing[check]
	switch {
	case err == nil && failed:
		delete(l.failing, check)
		l.log.Info("ready again", "check", check)
	case err != nil && (!failed || was != err.Error()):
		l.failing[check] = err.Error()
		l.log.Warn("not ready", "check", check, "err", err)
	}
}

// readyz runs the checks, and says each that does not hold with tell,
// which also hears of those that hold (err nil).
func readyz(tell func(Check, error) string, checks []Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !getOrHead(w, r) {
			return
		}
		var failed []string
		for _, c := range checks {
			ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
			err := c.Run(ctx)
			cancel()
			if line := tell(c, err); err != nil {
				failed = append(failed, line)
			}
		}
		if len(failed) > 0 {
			writeText(w, http.StatusServiceUnavailable, "not ready\n"+strings.Join(failed, "\n")+"\n")
			return
		}
		writeText(w, http.StatusOK, "ready\n")
	})
}

func getOrHead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	writeText(w, http.StatusMethodNotAllowed, "method not allowed\n")
	return false
}

func writeText(w http.ResponseWriter, code int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write([]byte(body))
}
