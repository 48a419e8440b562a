package admin

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"newshub/internal/admin/users"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/postgres/postgrestest"
	"newshub/internal/testutil"
)

// linkedHandler returns an admin area with an account, on a PostgreSQL
// database reached through a link the test can cut, and its log.
func linkedHandler(t *testing.T) (*Handler, *pgtest.Link, *testutil.LogBuffer) {
	t.Helper()
	st, link := postgrestest.Linked(t)
	dir := t.TempDir()
	if err := users.Open(dir, cheap).Add(adminName, adminPassword, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	logged := &testutil.LogBuffer{}
	h, err := New(Config{Store: st, SiteDir: dir, Users: users.Open(dir, cheap), BaseURL: "http://hub.test",
		Logger: slog.New(slog.NewTextHandler(logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return h, link, logged
}

// TestAnOutageOfTheStoreIsLoggedOnce serves the sign-in page of a hub on
// PostgreSQL whose server drops off the network before the form's key
// was read, and comes back: meanwhile the page answers 503 with
// Retry-After, and the log says the store is out once, however many
// requests met it, where each logged an error; once it is back, the page
// answers and one line says the outage is over.
func TestAnOutageOfTheStoreIsLoggedOnce(t *testing.T) {
	h, link, logged := linkedHandler(t)
	signIn := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://hub.test"+Prefix+"sign-in", nil))
		return w
	}

	link.Cut()
	for range 3 {
		if w := signIn(); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Errorf("the sign-in page with the database gone: %d, Retry-After %q: %s", w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
	if lines := regexp.MustCompile(`(?m)^.*level=(WARN|ERROR).*$`).FindAllString(logged.String(), -1); len(lines) != 1 {
		t.Errorf("the outage logged %d lines, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}

	link.Mend(t)
	if w := signIn(); w.Code != http.StatusOK {
		t.Fatalf("the sign-in page once the database is back: %d: %s", w.Code, w.Body)
	}
	if n := strings.Count(logged.String(), "the store answers again"); n != 1 {
		t.Errorf("the outage's end logged %d times, want 1:\n%s", n, logged.String())
	}
}

// TestASignedInAdminMeetingAnOutageIsAskedToComeBack asks for pages of the
// area with a session while the database is off the network: each answers
// 503 with Retry-After, the sign-in page too, where the session not found
// sent the browser to sign in again (where the sign-in page failed, or
// showed its form to one signed in); once the database is back, the
// session holds.
func TestASignedInAdminMeetingAnOutageIsAskedToComeBack(t *testing.T) {
	h, link, _ := linkedHandler(t)
	c := newClient(t, h)
	if w := c.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d\n%s", w.Code, w.Body)
	}

	link.Cut()
	for _, p := range []string{Prefix, Prefix + "sources/", Prefix + "sign-in"} {
		if w := c.do(http.MethodGet, p, nil); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Errorf("GET %s with the database gone: %d, Location %q, Retry-After %q", p, w.Code, w.Header().Get("Location"), w.Header().Get("Retry-After"))
		}
	}

	link.Mend(t)
	if w := c.do(http.MethodGet, Prefix+"sign-in", nil); w.Code != http.StatusSeeOther || w.Header().Get("Location") != Prefix {
		t.Errorf("the sign-in page once the database is back: %d, Location %q, want the session's redirect to %s", w.Code, w.Header().Get("Location"), Prefix)
	}
}
