package cli

import (
	"bytes"
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/store/postgres/pgtest"
)

// TestDSNPasswordIsNeverPrinted opens PostgreSQL stores that fail to open
// with a password given each way a postgres:// URL may carry one: the
// message names the database, never the password.
func TestDSNPasswordIsNeverPrinted(t *testing.T) {
	const secret = "S3cretOfTheHub"
	u, err := url.Parse(pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	missing := *u
	missing.Path = "/no_such_database"
	for _, tt := range []struct{ name, dsn string }{
		{"in the user part", strings.Replace(missing.String(), "//newshub@", "//newshub:"+secret+"@", 1)},
		{"as a parameter", missing.String() + "&password=" + secret},
		{"as the first parameter", strings.Replace(missing.String(), "?", "?password="+secret+"&", 1)},
		{"escaped, as a parameter", missing.String() + "&password=" + url.QueryEscape(secret+"&x")},
		{"in an address that does not parse", "postgres://newshub:" + secret + "@[::1/hub"},
		{"as a parameter of an address that does not parse", "postgres://newshub@[::1/hub?password=" + secret},
		// Passwords pasted as they are, unescaped, with the characters a
		// URL reserves: each is a way operators mistype the address.
		{"holding a question mark", strings.Replace(missing.String(), "//newshub@", "//newshub:ab?"+secret+"@", 1)},
		{"holding an at sign", strings.Replace(missing.String(), "//newshub@", "//newshub:ab@"+secret+"@", 1)},
		{"holding a slash", strings.Replace(missing.String(), "//newshub@", "//newshub:ab/"+secret+"@", 1)},
		{"holding @, :, /, ?, # and %", strings.Replace(missing.String(), "//newshub@", "//newshub:p@s:w/r?d#%"+secret+"@", 1)},
		{"holding @ and then ?", strings.Replace(missing.String(), "//newshub@", "//newshub:a@b?"+secret+"@", 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "--site", t.TempDir(), "--db", tt.dsn, "status")
			if code == 0 {
				t.Fatalf("status of a store that does not open: exit 0\n%s", stdout)
			}
			if strings.Contains(stdout+stderr, secret) {
				t.Errorf("the password is printed:\n%s%s", stdout, stderr)
			}
			if !strings.Contains(stderr, "xxxxx") {
				t.Errorf("the message does not show the password masked:\n%s", stderr)
			}
		})
	}
}

// TestHelpMasksThePasswordOfNEWSHUBDB asks a command's help with the
// database given by the environment, whose value help shows as --db's
// default: the password in it is masked.
func TestHelpMasksThePasswordOfNEWSHUBDB(t *testing.T) {
	const secret = "S3cretOfTheHub"
	dsn := "postgres://newshub:" + secret + "@db.example.org/hub?sslmode=require"
	for _, cmd := range []string{"ingest", "serve", "status"} {
		var out, errs bytes.Buffer
		Run(context.Background(), []string{cmd, "-h"}, &out, &errs, func(k string) string {
			if k == "NEWSHUB_DB" {
				return dsn
			}
			return ""
		})
		if strings.Contains(out.String()+errs.String(), secret) {
			t.Errorf("%s -h prints the password:\n%s%s", cmd, out.String(), errs.String())
		}
		if !strings.Contains(out.String(), "db.example.org") {
			t.Errorf("%s -h does not show the database it would open:\n%s", cmd, out.String())
		}
	}
}

// TestDemoMasksThePasswordOfItsDatabase runs the demo into a PostgreSQL
// database given with a password (which the test server, trusting its
// clients, does not ask for): what it prints names the database with the
// password masked.
func TestDemoMasksThePasswordOfItsDatabase(t *testing.T) {
	const secret = "S3cretOfTheHub"
	dsn := strings.Replace(pgtest.DSN(t), "//newshub@", "//newshub:"+secret+"@", 1)
	code, stdout, errs := run(t, "--db", dsn, "demo", "--dir", filepath.Join(t.TempDir(), "demo"), "--articles", "20", "--no-serve")
	if code != 0 {
		t.Fatalf("demo exit %d:\n%s\n%s", code, stdout, errs)
	}
	if strings.Contains(stdout+errs, secret) {
		t.Errorf("the demo prints the password:\n%s%s", stdout, errs)
	}
	if !strings.Contains(stdout, "newshub:xxxxx@") {
		t.Errorf("the demo does not name its database with the password masked:\n%s", stdout)
	}
}
