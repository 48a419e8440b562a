package postgres

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"newshub/internal/store/postgres/pgtest"
)

// TestAddressesOfAPasswordOpen opens a database by addresses an operator
// writes: a password percent-encoded, whatever characters it holds, and
// an address with no user but an '@' in a parameter, which is no password
// written unescaped. Each opens (the test server trusts every password).
func TestAddressesOfAPasswordOpen(t *testing.T) {
	u, err := url.Parse(pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	withPassword := *u
	withPassword.User = url.UserPassword("newshub", "p@s:w/r?d#%x y")
	noUser := *u
	noUser.User = nil
	for _, tt := range []struct{ name, dsn string }{
		{"a password percent-encoded", withPassword.String()},
		{"a password as a parameter", u.String() + "&password=" + url.QueryEscape("p@s:w/r?d#%x")},
		{"no user, an '@' in a parameter", noUser.String() + "&user=newshub&application_name=newshub@host"},
		{"a password percent-encoded, an '@' in a parameter", withPassword.String() + "&application_name=newshub@host"},
		// Read as written: the user part ends at the first '@' or '/'.
		{"a password holding ? and # as they are", strings.Replace(u.String(), "//newshub@", "//newshub:ab?c#d@", 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Open(context.Background(), tt.dsn)
			if err != nil {
				t.Fatalf("Open %s: %v", Redact(tt.dsn), err)
			}
			st.Close()
		})
	}
}

// TestAPasswordWrittenUnescapedIsRefused opens addresses whose password
// holds, as it is, a character that ends a URL's user part: refused,
// saying how to write it, and naming none of the password, where the
// driver took its rest for the host (and looked it up) or a parameter.
func TestAPasswordWrittenUnescapedIsRefused(t *testing.T) {
	const secret = "S3cretOfTheHub"
	for _, pw := range []string{"ab@" + secret, "ab/" + secret, "p@s:w/r?d#%" + secret, "ab%" + secret, "ab " + secret, "a@b?" + secret, "a/b@" + secret} {
		dsn := "postgres://newshub:" + pw + "@127.0.0.1:1/hub?sslmode=disable"
		_, err := Open(context.Background(), dsn)
		if !errors.Is(err, errPasswordUnescaped) {
			t.Errorf("Open with the password %q: %v, want %v", pw, err, errPasswordUnescaped)
			continue
		}
		if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "127.0.0.1:1/hub") {
			t.Errorf("Open with the password %q: %v, want the address named without the password", pw, err)
		}
	}
}

// TestRedact masks the password of addresses as written, whatever it
// holds, and no more than it when the address reads as written.
func TestRedact(t *testing.T) {
	for _, tt := range []struct{ dsn, want string }{
		{"postgres://hub:S3cret@db.example.org/hub", "postgres://hub:xxxxx@db.example.org/hub"},
		{"postgres://hub:S3c%40ret@db.example.org/hub?application_name=ops@box", "postgres://hub:xxxxx@db.example.org/hub?application_name=ops@box"},
		{"postgres://hub:S3?c#ret@db.example.org/hub", "postgres://hub:xxxxx@db.example.org/hub"},
		{"postgres://hub:S3@cret@db.example.org/hub", "postgres://hub:xxxxx@db.example.org/hub"},
		{"postgres://hub:S3/cr@et@db.example.org/hub?sslmode=require", "postgres://hub:xxxxx@db.example.org/hub?sslmode=require"},
		{"postgres://hub:S3@cr?et@db.example.org/hub", "postgres://hub:xxxxx@db.example.org/hub"},
		{"postgres://hub@db.example.org/hub?password=S3cret&sslmode=require", "postgres://hub@db.example.org/hub?password=xxxxx&sslmode=require"},
		{"postgres://hub@db.example.org:5432/hub?application_name=a:b@c", "postgres://hub@db.example.org:5432/hub?application_name=a:b@c"},
		// The key=value form libpq takes, which newshub refuses naming it.
		{"host=db.example.org user=hub password=S3cret dbname=hub", "host=db.example.org user=hub password=xxxxx dbname=hub"},
		{"host=db password = 'S3 c\\'ret' dbname=hub", "host=db password=xxxxx dbname=hub"},
		{"password=S3cret", "password=xxxxx"},
		{"host=db old_password=x dbname=hub", "host=db old_password=x dbname=hub"},
	} {
		if got := Redact(tt.dsn); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}
