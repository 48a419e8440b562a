package newsletter

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"newshub/internal/model"
)

// Mailer sends issues through the site's SMTP server, one message to each
// address of the list, so that no reader sees the others' addresses.
type Mailer struct {
	SMTP    *model.SMTP
	SiteDir string      // password_file is relative to it
	TLS     *tls.Config // for STARTTLS; nil: the system's roots, the host's name
	Now     func() time.Time
	// Timeout bounds the connection's opening, and each message's
	// exchange, when ctx has no deadline; 0 means two minutes.
	Timeout time.Duration
}

// Send mails the issue to every address of the list over one connection
// and returns how many messages the server accepted. A recipient the
// server refuses does not stop the others; the error names each one.
func (m *Mailer) Send(ctx context.Context, is *Issue) (int, error) {
	if m.SMTP == nil {
		return 0, errors.New("newsletter: no smtp settings")
	}
	l, err := is.letter()
	if err != nil {
		return 0, err
	}
	sent, _, err := m.send(ctx, l, m.SMTP.To, nil)
	return sent, err
}

// letter is what the messages of an issue are made of: an issue
// composed, or one read back from the store to be mailed again.
type letter struct {
	path      string
	date      Date
	subject   string
	html      string
	text      string
	published time.Time
}

// letter renders the issue's parts.
func (is *Issue) letter() (*letter, error) {
	text, err := is.Text()
	if err != nil {
		return nil, err
	}
	html, err := is.HTML()
	if err != nil {
		return nil, err
	}
	return &letter{path: is.Path, date: is.Date, subject: is.subject(), html: html, text: text, published: is.Published}, nil
}

// send mails the issue to the addresses to, as Send does, and also
// returns those still to be mailed: the server could not be reached or
// the connection was lost, or it answered that it cannot take the
// message now (a 4xx reply: busy, greylisting), or it refused the hub
// rather than the reader (no STARTTLS, a sign-in failed or missing, the
// sender refused), which settings put right mend. An address refused for
// good (a 5xx reply to it) or malformed is not among them.
// done, when not nil, records each address done with (taken, refused for
// good, malformed) as soon as it is, so that a process that ends before
// the list does, or a store that fails, leaves the others only to be
// mailed again; when it fails, the rest of the list is not sent, and is
// returned among those to try again.
func (m *Mailer) send(ctx context.Context, l *letter, to []string, done func(addr string) error) (int, []string, error) {
	cfg := m.SMTP
	if cfg == nil {
		return 0, nil, errors.New("newsletter: no smtp settings")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return 0, nil, fmt.Errorf("newsletter: smtp.from: %w", err)
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	body, boundary, err := l.mimeBody()
	if err != nil {
		return 0, nil, err
	}
	c, extend, stop, err := m.dial(ctx)
	if err != nil {
		return 0, slices.Clone(to), err
	}
	defer func() { stop(); c.Close() }() // c is the last connection
	sent, taken := 0, 0                  // taken: messages of the connection
	var errs []error
	var retry []string
	fail := func(err error) error {
		return fmt.Errorf("newsletter: send %s: %d of %d not sent: %w", l.date, len(to)-sent, len(to), err)
	}
	record := func(i int, addr string) error {
		if done == nil {
			return nil
		}
		if err := done(addr); err != nil {
			errs = append(errs, fmt.Errorf("record the mailing: %w", err))
			retry = append(retry, to[i+1:]...)
			return fail(errors.Join(errs...))
		}
		return nil
	}
	mailbox := map[string]bool{} // the addresses this send took up
	for i, addr := range to {
		rcpt, err := mail.ParseAddress(addr)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", addr, err))
			if err := record(i, addr); err != nil {
				return sent, retry, err
			}
			continue
		}
		// A reader listed twice (with a name, in other capitals) gets
		// one copy; the second listing is done with as the first is.
		key := strings.ToLower(rcpt.Address)
		if mailbox[key] {
			if err := record(i, addr); err != nil {
				return sent, retry, err
			}
			continue
		}
		mailbox[key] = true
		msg := l.message(from, rcpt, now(), boundary, body)
		extend()
		err = deliver(c, from.Address, rcpt.Address, msg)
		if closing(err) && taken > 0 {
			// The server ends a connection after so many messages: a
			// new one takes the rest of the list.
			stop()
			c.Close()
			next, nextExtend, nextStop, derr := m.dial(ctx)
			if derr != nil {
				errs = append(errs, derr)
				return sent, append(retry, to[i:]...), fail(errors.Join(errs...))
			}
			c, extend, stop, taken = next, nextExtend, nextStop, 0
			err = deliver(c, from.Address, rcpt.Address, msg)
		}
		var reply *textproto.Error
		var refused *senderError
		switch {
		case errors.As(err, &refused):
			// Every reader would be refused alike: none is done with.
			errs = append(errs, err)
			return sent, append(retry, to[i:]...), fail(errors.Join(errs...))
		case err == nil:
			sent++
			taken++
			if err := record(i, addr); err != nil {
				return sent, retry, err
			}
			continue
		case errors.As(err, &reply):
			errs = append(errs, fmt.Errorf("%s: %w", rcpt.Address, err))
			if transient(err) {
				retry = append(retry, addr)
			} else if err := record(i, addr); err != nil {
				return sent, retry, err
			}
			rerr := c.Reset()
			if rerr == nil {
				continue
			}
			errs = append(errs, rerr)
		default:
			errs = append(errs, fmt.Errorf("%s: %w", rcpt.Address, err))
			retry = append(retry, addr)
		}
		// The connection failed: the rest cannot be sent either.
		return sent, append(retry, to[i+1:]...), fail(errors.Join(errs...))
	}
	extend()
	if err := c.Quit(); err != nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("quit: %w", err))
	}
	if len(errs) > 0 {
		return sent, retry, fail(errors.Join(errs...))
	}
	return sent, nil, nil
}

// transient reports whether a reply of the server may change when tried
// again: any but one refusing for good (5xx).
func transient(err error) bool {
	var reply *textproto.Error
	return errors.As(err, &reply) && reply.Code < 500
}

// closing reports whether the server answered 421: it closes the
// connection (RFC 5321), as one that bounds the messages of a connection
// does once they are sent.
func closing(err error) bool {
	var reply *textproto.Error
	return errors.As(err, &reply) && reply.Code == 421
}

// errNoStartTLS says the server does not offer STARTTLS, which the
// settings require.
var errNoStartTLS = errors.New("the server does not offer STARTTLS (set starttls: false to send without TLS)")

// dial connects, upgrades to TLS when the settings ask for it (the
// default) and authenticates when a username is set. net/smtp's PLAIN
// authentication refuses to send a password in the clear except to
// localhost.
// The returned extend gives the next exchange its time (see watch), and
// stop releases the watch on ctx.
func (m *Mailer) dial(ctx context.Context) (c *smtp.Client, extend func(), stop func() bool, err error) {
	cfg := m.SMTP
	port := cfg.Port
	if port == 0 {
		port = model.DefaultSMTPPort
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("newsletter: smtp %s: %w", addr, err)
	}
	w := &watch{ctx: ctx, conn: conn, timeout: timeout}
	w.extend()
	// A cancelled ctx ends whatever exchange is under way.
	stop = context.AfterFunc(ctx, w.end)
	c, err = m.start(conn, cfg)
	if err != nil {
		stop()
		conn.Close()
		return nil, nil, nil, fmt.Errorf("newsletter: smtp %s: %w", addr, err)
	}
	return c, w.extend, stop, nil
}

// watch bounds each exchange with the server: by ctx's deadline, else by
// timeout from its start, so that a server that stopped answering ends a
// send however long the list, and a slow one does not cut a long list.
type watch struct {
	ctx     context.Context
	conn    net.Conn
	timeout time.Duration
	mu      sync.Mutex // orders extend and end: an ended ctx is not undone
}

// extend gives the next exchange its time.
func (w *watch) extend() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ctx.Err() != nil {
		return
	}
	deadline, ok := w.ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(w.timeout)
	}
	w.conn.SetDeadline(deadline)
}

// end ends the exchange under way.
func (w *watch) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.conn.SetDeadline(time.Unix(1, 0))
}

func (m *Mailer) start(conn net.Conn, cfg *model.SMTP) (*smtp.Client, error) {
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		return nil, err
	}
	if cfg.UseStartTLS() {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return nil, errNoStartTLS
		}
		tc := &tls.Config{ServerName: cfg.Host}
		if m.TLS != nil {
			tc = m.TLS.Clone()
			if tc.ServerName == "" {
				tc.ServerName = cfg.Host
			}
		}
		if err := c.StartTLS(tc); err != nil {
			return nil, fmt.Errorf("starttls: %w", err)
		}
	}
	if cfg.Username != "" {
		password, err := m.password()
		if err != nil {
			return nil, err
		}
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, password, cfg.Host)); err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
	}
	return c, nil
}

// password returns the configured password, or the first line of
// password_file (relative to the site folder).
func (m *Mailer) password() (string, error) {
	cfg := m.SMTP
	if cfg.PasswordFile == "" {
		return cfg.Password, nil
	}
	file := cfg.PasswordFile
	if !filepath.IsAbs(file) {
		file = filepath.Join(m.SiteDir, file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("smtp.password_file: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimRight(line, "\r"), nil
}

// senderError is the server's refusal of the sender (its reply to MAIL),
// which concerns the hub, not the reader.
type senderError struct{ err error }

func (e *senderError) Error() string { return "sender refused: " + e.err.Error() }
func (e *senderError) Unwrap() error { return e.err }

// deliver sends one message in one transaction.
func deliver(c *smtp.Client, from, to string, msg []byte) error {
	if err := c.Mail(from); err != nil {
		return &senderError{err}
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// mimeBody writes the multipart/alternative body: the text part, then the
// HTML part (the one clients prefer, last), both quoted-printable.
func (l *letter) mimeBody() ([]byte, string, error) {
	text, html := l.text, l.html
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", p.typ+"; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(strings.ReplaceAll(p.body, "\n", "\r\n"))); err != nil {
			return nil, "", err
		}
		if err := qp.Close(); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), mw.Boundary(), nil
}

// message puts the headers for one recipient before the body.
func (l *letter) message(from, to *mail.Address, date time.Time, boundary string, body []byte) []byte {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	// A display name may be long (a thousand characters of a reader's
	// name, each encoded in nine): folded as the subject is.
	b.WriteString(fold("From", from.String()))
	b.WriteString(fold("To", to.String()))
	b.WriteString(fold("Subject", mime.QEncoding.Encode("utf-8", l.subject)))
	header("Date", date.Format(time.RFC1123Z))
	b.WriteString(fold("Message-ID", l.messageID(from, to)))
	header("MIME-Version", "1.0")
	b.WriteString(fold("Content-Type", `multipart/alternative; boundary="`+boundary+`"`))
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// messageID names the issue's message to one reader: the same each time
// it is sent to that reader (a copy sent again is known for one), another
// for each reader, as each gets a message of their own. The address is
// hashed: a Message-ID travels on in the References of replies and
// forwards.
func (l *letter) messageID(from, to *mail.Address) string {
	sum := sha256.Sum256([]byte(strings.ToLower(to.Address)))
	return "<" + Slug(l.path) + "." + strconv.FormatInt(l.published.Unix(), 10) + "." +
		hex.EncodeToString(sum[:8]) + "@" + domainOf(from.Address) + ">"
}

// subject is the issue's title and its top headline.
func (is *Issue) subject() string {
	s := is.SiteName + ", " + is.Day
	if top, _, _ := strings.Cut(is.Excerpt, " / "); top != "" {
		s += ": " + model.Clip(top, subjectHeadline)
	}
	return s
}

// maxHeaderLine is the longest line fold writes where the words allow:
// RFC 2047's bound for a line holding encoded words (RFC 5322 asks for
// 78 characters at most, and refuses more than 998).
const maxHeaderLine = 76

// fold writes a header field, its value folded at its spaces so that each
// line holds at most maxHeaderLine characters but for a word longer than
// that, which has a line of its own. Go's encoder writes no encoded word
// longer than 75 characters, and separates them by spaces. Unfolding (the
// line breaks taken out) gives the value back.
func fold(name, value string) string {
	var b strings.Builder
	line := name + ":"
	for _, w := range strings.Split(value, " ") {
		if len(line)+1+len(w) > maxHeaderLine && strings.TrimSpace(line) != "" {
			b.WriteString(line + "\r\n")
			line = ""
		}
		line += " " + w
	}
	b.WriteString(line + "\r\n")
	return b.String()
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}

// subjectHeadline is how many characters of the top headline a subject
// holds: mail clients show fewer, and a headline may have a thousand.
const subjectHeadline = 150
