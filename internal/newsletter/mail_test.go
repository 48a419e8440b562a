package newsletter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/newsletter/smtptest"
)

var sendTime = time.Date(2026, 10, 15, 14, 30, 0, 0, time.UTC)

func testIssue(t *testing.T) *Issue {
	t.Helper()
	return composeDay(t, sharedHub(t), Date{2026, 10, 14})
}

func mailer(srv *smtptest.Server, cfg model.SMTP) *Mailer {
	cfg.Host, cfg.Port = srv.Host, srv.Port
	return &Mailer{SMTP: &cfg, TLS: srv.ClientTLS, Now: func() time.Time { return sendTime }}
}

// parts reads a received message: its headers and each MIME part's type
// and decoded body.
func parts(t *testing.T, data []byte) (*mail.Message, map[string]string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	typ, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || typ != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	out := map[string]string{}
	var order []string
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, pp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil || pp["charset"] != "utf-8" {
			t.Fatalf("part Content-Type %q (%v)", p.Header.Get("Content-Type"), err)
		}
		body, err := io.ReadAll(p) // quoted-printable, decoded by the reader
		if err != nil {
			t.Fatal(err)
		}
		out[pt] = strings.ReplaceAll(string(body), "\r\n", "\n")
		order = append(order, pt)
	}
	if strings.Join(order, ",") != "text/plain,text/html" {
		t.Fatalf("parts %q, want text/plain then text/html", order)
	}
	return msg, out
}

func TestSendMailsEachAddressBothParts(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: true, Username: "hub", Password: "s3cret pass"})
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "secrets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secrets", "smtp"), []byte("s3cret pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	is := testIssue(t)
	m := mailer(srv, model.SMTP{Username: "hub", PasswordFile: "secrets/smtp", From: "Election Pulse <news@hub.example.org>",
		To: []string{"editors@example.org", "Zoë Reader <zoe@example.org>", "third@example.net"}})
	m.SiteDir = dir
	sent, err := m.Send(context.Background(), is)
	if err != nil || sent != 3 {
		t.Fatalf("sent %d: %v", sent, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 3 || srv.Sessions() != 1 {
		t.Fatalf("server got %d messages over %d connections, want 3 over 1", len(msgs), srv.Sessions())
	}
	wantText, _ := is.Text()
	wantHTML, _ := is.HTML()
	for i, want := range []string{"editors@example.org", "zoe@example.org", "third@example.net"} {
		got := msgs[i]
		if got.From != "news@hub.example.org" || len(got.To) != 1 || got.To[0] != want || !got.TLS || got.User != "hub" {
			t.Fatalf("message %d: envelope %q → %q, tls %v, user %q", i, got.From, got.To, got.TLS, got.User)
		}
		msg, body := parts(t, got.Data)
		to, err := mail.ParseAddress(msg.Header.Get("To"))
		if err != nil || to.Address != want {
			t.Errorf("message %d: To %q (%v): each reader sees only their own address", i, msg.Header.Get("To"), err)
		}
		if i == 1 && to.Name != "Zoë Reader" {
			t.Errorf("To name %q", to.Name)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || !strings.HasPrefix(subject, "Election Pulse, Wednesday, October 14, 2026: ") {
			t.Errorf("Subject %q (%v)", subject, err)
		}
		if d, err := msg.Header.Date(); err != nil || !d.Equal(sendTime) {
			t.Errorf("Date %q (%v)", msg.Header.Get("Date"), err)
		}
		if msg.Header.Get("MIME-Version") != "1.0" || msg.Header.Get("Message-ID") == "" {
			t.Errorf("headers %v", msg.Header)
		}
		if body["text/plain"] != wantText {
			t.Errorf("message %d: the text part differs from the issue's text:\n%s", i, body["text/plain"])
		}
		if body["text/html"] != wantHTML {
			t.Errorf("message %d: the HTML part differs from the issue's HTML", i)
		}
	}
}

func TestSendGoesOnPastARefusedAddress(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Reject: []string{"gone@example.org"}})
	m := mailer(srv, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool),
		To: []string{"a@example.org", "gone@example.org", "b@example.org"}})
	sent, err := m.Send(context.Background(), testIssue(t))
	if sent != 2 || err == nil || !strings.Contains(err.Error(), "gone@example.org") || !strings.Contains(err.Error(), "1 of 3 not sent") {
		t.Fatalf("sent %d, error %v; want 2 and an error naming the refused address", sent, err)
	}
	var got []string
	for _, msg := range srv.Messages() {
		got = append(got, msg.To...)
	}
	if strings.Join(got, ",") != "a@example.org,b@example.org" {
		t.Fatalf("delivered to %q", got)
	}
}

func TestSendRefusals(t *testing.T) {
	tests := []struct {
		name string
		srv  smtptest.Options
		cfg  model.SMTP
		want string
	}{
		{"no STARTTLS offered", smtptest.Options{}, model.SMTP{}, "does not offer STARTTLS"},
		{"wrong password", smtptest.Options{TLS: true, Username: "hub", Password: "right"}, model.SMTP{Username: "hub", Password: "wrong"}, "535"},
		{"missing password file", smtptest.Options{TLS: true, Username: "hub", Password: "right"}, model.SMTP{Username: "hub", PasswordFile: "nowhere"}, "password_file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, tc.srv)
			tc.cfg.From, tc.cfg.To = "news@hub.example.org", []string{"a@example.org"}
			m := mailer(srv, tc.cfg)
			m.SiteDir = t.TempDir()
			sent, err := m.Send(context.Background(), testIssue(t))
			if sent != 0 || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("sent %d, error %v; want none sent and %q", sent, err, tc.want)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("server accepted %d messages", n)
			}
		})
	}
}

func TestSendStopsWithTheContext(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := mailer(srv, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool), To: []string{"a@example.org"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if sent, err := m.Send(ctx, testIssue(t)); sent != 0 || err == nil {
		t.Fatalf("sent %d with a cancelled context (%v)", sent, err)
	}
}

// TestSubjectIsFoldedAndEncoded mails issues whose top headline is long,
// or not ASCII, or one long word: the Subject field is folded into lines
// a mail server takes (RFC 5322: 998 characters at most, 78 where the
// words allow), written as RFC 2047 encoded words where it is not ASCII,
// and reads back as the site's name, the day and the headline, cut when
// too long for a subject.
func TestSubjectIsFoldedAndEncoded(t *testing.T) {
	const prefix = "Election Pulse, Wednesday, October 14, 2026: "
	long := strings.TrimSpace(strings.Repeat("Senate passes the long awaited budget bill ", 23))
	tests := []struct {
		name, headline string
		maxLine        int // the longest line the Subject field may have
		want           string
	}{
		{"short", "Zoë Müller wins the primary", 78, prefix + "Zoë Müller wins the primary"},
		{"long", long, 78, prefix + model.Clip(long, subjectHeadline)},
		{"long, not ASCII", strings.Repeat("Zoë Müller wins über-close race, ", 30), 78,
			prefix + model.Clip(strings.Repeat("Zoë Müller wins über-close race, ", 30), subjectHeadline)},
		{"one long word", strings.Repeat("x", 990), 998, prefix + model.Clip(strings.Repeat("x", 990), subjectHeadline)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{})
			is := *testIssue(t)
			is.Excerpt = tt.headline + " / Another headline"
			m := mailer(srv, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool), To: []string{"a@example.org"}})
			if sent, err := m.Send(context.Background(), &is); err != nil || sent != 1 {
				t.Fatalf("sent %d: %v", sent, err)
			}
			data := srv.Messages()[0].Data
			head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
			in := false
			for _, line := range strings.Split(string(head), "\r\n") {
				switch {
				case strings.HasPrefix(line, "Subject:"):
					in = true
				case !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t"):
					in = false
				}
				if in && len(line) > tt.maxLine {
					t.Errorf("a line of the Subject field has %d characters, want at most %d: %q", len(line), tt.maxLine, line)
				}
			}
			msg, _ := parts(t, data)
			raw := msg.Header.Get("Subject")
			if strings.ContainsFunc(raw, func(r rune) bool { return r > 126 }) {
				t.Errorf("the Subject field holds characters that are not ASCII: %q", raw)
			}
			got, err := new(mime.WordDecoder).DecodeHeader(raw)
			if err != nil || got != tt.want {
				t.Errorf("Subject reads %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestSendToASlowServerMailsAListLongerThanTheTimeout: the server takes
// a while over each message, and the whole list longer than the
// mailer's timeout, which bounds each exchange (a server that stopped
// answering), not the list: every address is mailed.
func TestSendToASlowServerMailsAListLongerThanTheTimeout(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{Slow: 250 * time.Millisecond})
	var to []string
	for i := range 8 {
		to = append(to, fmt.Sprintf("reader%d@example.org", i))
	}
	m := mailer(srv, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool), To: to})
	m.Timeout = time.Second // less than the list takes, 8 × 250 ms
	sent, err := m.Send(context.Background(), testIssue(t))
	if err != nil || sent != len(to) {
		t.Fatalf("sent %d of %d: %v", sent, len(to), err)
	}
}

// TestSendMailsAReaderListedTwiceOnce: the list names a reader twice, as
// written and with a name, or in other capitals; the reader gets one
// copy, and the second listing counts as done with.
func TestSendMailsAReaderListedTwiceOnce(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	to := []string{"a@example.org", "Ann <A@Example.org>", "b@example.org", "a@example.org"}
	m := mailer(srv, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool), To: to})
	sent, err := m.Send(context.Background(), testIssue(t))
	if err != nil || sent != 2 {
		t.Fatalf("sent %d: %v; want 2", sent, err)
	}
	if got, want := mailedTo(srv), []string{"a@example.org", "b@example.org"}; !slices.Equal(got, want) {
		t.Fatalf("mailed to %q, want %q", got, want)
	}
}

// TestAddressesWithLongNamesAreFolded mails readers whose names are long,
// from a sender whose name is: no line of the message is longer than a
// mail server takes (RFC 5322: 998 characters; 78 where the words allow,
// as they do here), and the names read back as written.
func TestAddressesWithLongNamesAreFolded(t *testing.T) {
	long := strings.TrimSpace(strings.Repeat("Zoë Réader-Müller ", 120))
	ascii := strings.TrimSpace(strings.Repeat("Ann Reader ", 200))
	tests := []struct{ name, from, to, wantFrom, wantTo string }{
		{"reader's name, not ASCII", "news@hub.example.org", `"` + long + `" <zoe@example.org>`, "", long},
		{"reader's name, ASCII", "news@hub.example.org", `"` + ascii + `" <ann@example.org>`, "", ascii},
		{"sender's name", `"` + long + `" <news@hub.example.org>`, "a@example.org", long, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{})
			m := mailer(srv, model.SMTP{From: tc.from, StartTLS: new(bool), To: []string{tc.to}})
			if sent, err := m.Send(context.Background(), testIssue(t)); err != nil || sent != 1 {
				t.Fatalf("sent %d: %v", sent, err)
			}
			data := srv.Messages()[0].Data
			for i, line := range strings.Split(string(data), "\r\n") {
				if len(line) > 78 {
					t.Errorf("line %d has %d characters, want at most 78: %.100q", i+1, len(line), line)
				}
			}
			msg, _ := parts(t, data)
			for _, h := range []struct{ key, want string }{{"From", tc.wantFrom}, {"To", tc.wantTo}} {
				a, err := msg.Header.AddressList(h.key)
				if err != nil || len(a) != 1 || a[0].Name != h.want {
					t.Errorf("%s reads %v (%v), want the name %.40q…", h.key, a, err, h.want)
				}
			}
		})
	}
}

// TestMessageIDIsEachReadersAndStable mails an issue to three readers,
// twice: each reader's message has a Message-ID of its own, without the
// address, and the same at the second sending.
func TestMessageIDIsEachReadersAndStable(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	to := []string{"a@example.org", "b@example.org", "Ann <ann@example.org>"}
	m := mailer(srv, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool), To: to})
	is := testIssue(t)
	for range 2 {
		if sent, err := m.Send(context.Background(), is); err != nil || sent != len(to) {
			t.Fatalf("sent %d: %v", sent, err)
		}
	}
	msgs := srv.Messages()
	seen := map[string]string{} // Message-ID: the reader
	for i, got := range msgs {
		msg, _ := parts(t, got.Data)
		id := msg.Header.Get("Message-ID")
		if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@hub.example.org>") || strings.Count(id, "@") != 1 {
			t.Errorf("message %d: Message-ID %q, want <…@hub.example.org> without the reader's address", i, id)
		}
		if i < len(to) {
			if r, ok := seen[id]; ok {
				t.Errorf("readers %s and %s share the Message-ID %q", r, got.To[0], id)
			}
			seen[id] = got.To[0]
		} else if r := seen[id]; r != got.To[0] {
			t.Errorf("sent again to %s, Message-ID %q, which was %q's at the first sending", got.To[0], id, r)
		}
	}
}

// TestSendGoesOnOverANewConnectionWhereTheServerBoundsOne mails a list of
// 250 through a server that takes 100 messages a connection, then
// answers 421 and closes it: every reader is mailed once, over three
// connections. A server that answers 421 at once puts off the list.
func TestSendGoesOnOverANewConnectionWhereTheServerBoundsOne(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{PerSession: 100})
	var to []string
	for i := range 250 {
		to = append(to, fmt.Sprintf("reader%d@example.org", i))
	}
	m := mailer(srv, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool), To: to})
	sent, err := m.Send(context.Background(), testIssue(t))
	if err != nil || sent != len(to) {
		t.Fatalf("sent %d of %d: %v", sent, len(to), err)
	}
	if got := mailedTo(srv); !slices.Equal(got, to) || srv.Sessions() != 3 {
		t.Fatalf("mailed %d messages over %d connections, want %d once each over 3", len(got), srv.Sessions(), len(to))
	}

	busy := smtptest.Start(t, smtptest.Options{Busy: 1})
	m = mailer(busy, model.SMTP{From: "news@hub.example.org", StartTLS: new(bool), To: to[:2]})
	if sent, err := m.Send(context.Background(), testIssue(t)); sent != 0 || err == nil || busy.Sessions() != 1 {
		t.Fatalf("busy server: sent %d over %d connections (%v); want none over 1, an error", sent, busy.Sessions(), err)
	}
}
