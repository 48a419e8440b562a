package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/newsletter/smtptest"
	"newshub/internal/store/sqlite"
)

// appendConfig adds lines to a site's _config.yml.
func appendConfig(t *testing.T, dir, text string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "_config.yml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func TestNewsletterWritesStoresAndMailsTheIssue(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	dir := genSite(t, 1200, 4)
	appendConfig(t, dir, fmt.Sprintf("newsletter_time: \"07:00\"\nsmtp:\n  host: %s\n  port: %d\n  from: news@hub.example.org\n"+
		"  to:\n    - a@example.org\n    - b@example.org\n  starttls: false\n", srv.Host, srv.Port))
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}

	code, stdout, errs := run(t, "--site", dir, "newsletter", "--date", "2026-10-20")
	if code != 0 {
		t.Fatalf("newsletter exit %d:\n%s\n%s", code, stdout, errs)
	}
	const path = "_newsletters/election-pulse-2026-10-20.html"
	for _, want := range []string{"wrote " + path + ": ", " stories in ", "mailed to 2 of 2 addresses"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	file, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := content.Parse(path, file)
	if err != nil || rec.Kind != model.KindNewsletter || rec.Newsletter.Title != "Election Pulse (2026-10-20)" {
		t.Fatalf("site file does not read as the issue: %v", err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.Get(context.Background(), path)
	st.Close()
	if err != nil || !bytes.Equal(stored.Raw, file) {
		t.Fatalf("the store's record differs from the site file (%v)", err)
	}
	if msgs := srv.Messages(); len(msgs) != 2 || msgs[0].To[0] != "a@example.org" || msgs[1].To[0] != "b@example.org" {
		t.Fatalf("server received %d messages", len(msgs))
	}

	// --no-send writes without mailing.
	if code, stdout, errs := run(t, "--site", dir, "newsletter", "--date", "2026-10-20", "--no-send"); code != 0 || strings.Contains(stdout, "mailed") {
		t.Fatalf("--no-send exit %d:\n%s\n%s", code, stdout, errs)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("--no-send mailed: the server has %d messages", n)
	}

	// A day without news: nothing written, nothing sent, not a failure.
	code, stdout, errs = run(t, "--site", dir, "newsletter", "--date", "2020-01-01")
	if code != 0 || !strings.Contains(stdout, "no news on 2020-01-01: no issue written") {
		t.Fatalf("day without news: exit %d:\n%s\n%s", code, stdout, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "_newsletters", "election-pulse-2020-01-01.html")); !os.IsNotExist(err) {
		t.Fatalf("an issue was written for a day without news (%v)", err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("a day without news was mailed: the server has %d messages", n)
	}

	for _, bad := range []string{"2026-13-01", "20 October"} {
		if code, _, errs := run(t, "--site", dir, "newsletter", "--date", bad); code != ExitUsage || !strings.Contains(errs, "--date") {
			t.Errorf("--date %s: exit %d:\n%s", bad, code, errs)
		}
	}
}

func TestImportNamesTheLineOfABadNewsletterSetting(t *testing.T) {
	tests := []struct{ text, want string }{
		{"newsletter_time: 7am\n", `newsletter_time: "7am" is not a time of day HH:MM`},
		{"smtp:\n  host: mail.example.org\n  from: news@example.org\n  to: []\n", "smtp.to is missing or empty"},
	}
	for _, tc := range tests {
		dir := genSite(t, 20, 1)
		data, err := os.ReadFile(filepath.Join(dir, "_config.yml"))
		if err != nil {
			t.Fatal(err)
		}
		line := bytes.Count(data, []byte("\n")) + 1
		appendConfig(t, dir, tc.text)
		code, _, errs := run(t, "--site", dir, "import")
		want := fmt.Sprintf("_config.yml:%d: %s", line, tc.want)
		if code != ExitFailure || !strings.Contains(errs, want) {
			t.Errorf("import exit %d, errors:\n%s\nwant %q", code, errs, want)
		}
	}
}

// TestNewsletterRefusesADayNotBegun asks for the issue of a day to come,
// of which the hub holds an article (its publisher's clock is wrong): the
// command says so and writes nothing, where an issue of it would have
// stood for that day's and kept the schedule from writing any until then.
func TestNewsletterRefusesADayNotBegun(t *testing.T) {
	dir := genSite(t, 60, 4)
	day := time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly)
	names, err := filepath.Glob(filepath.Join(dir, "_news", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	misdated := false
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("\npublished: true\n")) {
			continue
		}
		data = regexp.MustCompile(`(?m)^publishedDateTime: .*$`).ReplaceAll(data, []byte("publishedDateTime: "+day+"T12:00:00Z"))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		misdated = true
		break
	}
	if !misdated {
		t.Fatal("the generated site has no published article")
	}
	appendConfig(t, dir, "newsletter_time: \"07:00\"\n")
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}

	code, stdout, errs := run(t, "--site", dir, "newsletter", "--date", day)
	if want := "--date " + day + ": the day has not begun (today is "; code != ExitUsage || !strings.Contains(errs, want) {
		t.Fatalf("newsletter --date %s: exit %d, want %d and %q:\n%s\n%s", day, code, ExitUsage, want, stdout, errs)
	}
	if written, _ := filepath.Glob(filepath.Join(dir, "_newsletters", "*")); len(written) > 0 {
		t.Fatalf("an issue of a day not begun was written: %q", written)
	}
}

// TestNewsletterMailsAnIssueOnce: a second run of newsletter for a day
// mails no one the issue again, where every address got it twice; an
// address added to the list since gets it; --resend mails every address.
func TestNewsletterMailsAnIssueOnce(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	dir := genSite(t, 1200, 4)
	smtp := func(to ...string) string {
		return fmt.Sprintf("newsletter_time: \"07:00\"\nsmtp:\n  host: %s\n  port: %d\n  from: news@hub.example.org\n  to: [%s]\n  starttls: false\n",
			srv.Host, srv.Port, strings.Join(to, ", "))
	}
	config, err := os.ReadFile(filepath.Join(dir, "_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	setList := func(to ...string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "_config.yml"), append(slices.Clone(config), smtp(to...)...), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
			t.Fatalf("import exit %d:\n%s", code, errs)
		}
	}
	setList("a@example.org", "b@example.org")
	for _, c := range []struct {
		name   string
		list   []string
		args   []string
		out    string
		mailed []string // every address mailed so far, in order
	}{
		{"first run", nil, nil, "mailed to 2 of 2 addresses\n", []string{"a@example.org", "b@example.org"}},
		{"second run", nil, nil, "mailed to 0 of 2 addresses (2 mailed it before)\n", []string{"a@example.org", "b@example.org"}},
		{"an address added", []string{"a@example.org", "b@example.org", "c@example.org"}, nil,
			"mailed to 1 of 3 addresses (2 mailed it before)\n", []string{"a@example.org", "b@example.org", "c@example.org"}},
		{"--resend", nil, []string{"--resend"}, "mailed to 3 of 3 addresses\n",
			[]string{"a@example.org", "b@example.org", "c@example.org", "a@example.org", "b@example.org", "c@example.org"}},
	} {
		if c.list != nil {
			setList(c.list...)
		}
		code, stdout, errs := run(t, append([]string{"--site", dir, "newsletter", "--date", "2026-10-20"}, c.args...)...)
		if code != 0 || !strings.HasSuffix(stdout, c.out) {
			t.Fatalf("%s: exit %d, output %q; want it to end %q\n%s", c.name, code, stdout, c.out, errs)
		}
		var mailed []string
		for _, m := range srv.Messages() {
			mailed = append(mailed, m.To...)
		}
		if !slices.Equal(mailed, c.mailed) {
			t.Fatalf("%s: mailed to %q, want %q", c.name, mailed, c.mailed)
		}
	}
}

// TestNewsletterRefusesResendWithNoSend: --resend asks for mail, --no-send
// for none; the command refused neither and wrote the issue unmailed.
func TestNewsletterRefusesResendWithNoSend(t *testing.T) {
	dir := genSite(t, 20, 2)
	code, stdout, errs := run(t, "--site", dir, "newsletter", "--resend", "--no-send")
	if want := "--resend mails the issue again and --no-send mails nothing"; code != ExitUsage || !strings.Contains(errs, want) {
		t.Fatalf("newsletter --resend --no-send: exit %d, want %d and %q:\n%s\n%s", code, ExitUsage, want, stdout, errs)
	}
	if written, _ := filepath.Glob(filepath.Join(dir, "_newsletters", "*")); len(written) > 0 {
		t.Fatalf("an issue was written: %q", written)
	}
}
