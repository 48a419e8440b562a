// Package smtptest runs a small SMTP server on loopback for tests: it
// speaks the protocol over TCP (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT,
// DATA, RSET, QUIT) and records every message it accepts.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options say how the server behaves.
type Options struct {
	TLS      bool   // offer STARTTLS, with a certificate for 127.0.0.1
	Username string // when set, require AUTH PLAIN with Password (after STARTTLS when TLS)
	Password string
	Reject   []string // recipients answered 550
	// Busy is how many sessions, the first ones, are greeted with 421
	// and closed, as a server that is restarting or overloaded answers.
	Busy int
	// Greylist is how many times each recipient is answered 450 before it
	// is taken, as a greylisting server answers an unknown sender.
	Greylist int
	// OnMail, when set, is called at each MAIL command with the number of
	// messages taken so far; when it returns true the command is not
	// answered and the session ends once the client goes, as a server
	// that stopped answering: a test stops its client there, between two
	// messages.
	OnMail func(taken int) (hang bool)
	// OnData, when set, is called once a message is taken, before the
	// server answers it, with the number of messages taken so far; when
	// it returns true the answer never comes, as a server's that stopped
	// answering: a test stops its client there, the message taken and
	// the client not told.
	OnData func(taken int) (hang bool)
	// DropData is how many sessions, the first ones, are cut in the
	// middle of the DATA of their second message, the first taken, as a
	// connection lost or a server that crashed.
	DropData int
	// PerSession, when not 0, is how many messages a session takes: the
	// MAIL command after them is answered 421 and the session ends, as
	// servers that bound the messages of a connection do.
	PerSession int
	// Slow delays the answer to each message's end of DATA, as a loaded
	// or tarpitting server takes its time.
	Slow time.Duration
}

// Message is one accepted message.
type Message struct {
	From string
	To   []string
	Data []byte // as received, dots unstuffed, CRLF line ends
	TLS  bool   // sent over TLS
	User string // the authenticated user, if any
}

// Server is a running SMTP server.
type Server struct {
	Host string
	Port int
	// ClientTLS trusts the server's certificate (nil without TLS).
	ClientTLS *tls.Config

	opts    Options
	ln      net.Listener
	tls     *tls.Config
	wg      sync.WaitGroup
	mu      sync.Mutex
	msgs    []Message
	session int
	greyed  map[string]int // times each recipient was answered 450
}

// Start starts a server on 127.0.0.1, stopped when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{opts: opts, ln: ln, Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port}
	if opts.TLS {
		s.tls, s.ClientTLS = certificate(t)
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Sessions returns how many connections the server has taken.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.session++
		busy := s.session <= s.opts.Busy
		drop := s.session <= s.opts.DropData
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(time.Minute))
			if busy {
				textproto.NewConn(conn).PrintfLine("421 127.0.0.1 busy, try again later")
				return
			}
			s.session1(conn, drop)
		}()
	}
}

// session1 runs one SMTP session.
func (s *Server) session1(conn net.Conn, drop bool) {
	tp := textproto.NewConn(conn)
	var (
		secure bool
		user   string
		msg    *Message
		taken  int // messages taken in this session
	)
	reply := func(code int, text string) { tp.PrintfLine("%d %s", code, text) }
	reply(220, "127.0.0.1 smtptest ready")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"127.0.0.1 greets " + arg, "8BITMIME"}
			if s.tls != nil && !secure {
				lines = append(lines, "STARTTLS")
			}
			if s.opts.Username != "" && (secure || s.tls == nil) {
				lines = append(lines, "AUTH PLAIN")
			}
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, l)
			}
		case "HELO":
			reply(250, "127.0.0.1")
		case "STARTTLS":
			if s.tls == nil || secure {
				reply(502, "not offered")
				continue
			}
			reply(220, "go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure, user, msg = tc, true, "", nil
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			if !strings.EqualFold(mech, "PLAIN") || s.opts.Username == "" {
				reply(504, "unrecognized authentication type")
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if err != nil || len(parts) != 3 || parts[1] != s.opts.Username || parts[2] != s.opts.Password {
				reply(535, "authentication credentials invalid")
				continue
			}
			user = parts[1]
			reply(235, "authenticated")
		case "MAIL":
			if s.opts.Username != "" && user == "" {
				reply(530, "authentication required")
				continue
			}
			if s.opts.PerSession > 0 && taken >= s.opts.PerSession {
				reply(421, "too many messages in this session, closing")
				return
			}
			if s.opts.OnMail != nil && s.opts.OnMail(len(s.Messages())) {
				io.Copy(io.Discard, conn)
				return
			}
			msg = &Message{From: address(arg), TLS: secure, User: user}
			reply(250, "ok")
		case "RCPT":
			if msg == nil {
				reply(503, "need MAIL first")
				continue
			}
			to := address(arg)
			if s.rejects(to) {
				reply(550, "no such user "+to)
				continue
			}
			if s.greylists(to) {
				reply(450, "greylisted, try again later")
				continue
			}
			msg.To = append(msg.To, to)
			reply(250, "ok")
		case "DATA":
			if msg == nil || len(msg.To) == 0 {
				reply(503, "need RCPT first")
				continue
			}
			reply(354, "end with <CRLF>.<CRLF>")
			if drop && taken == 1 {
				tp.ReadLine() // a line of the message, then the connection is lost
				return
			}
			data, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			// DotReader turns CRLF into LF; keep the wire form.
			msg.Data = []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
			s.mu.Lock()
			s.msgs = append(s.msgs, *msg)
			s.mu.Unlock()
			msg = nil
			taken++
			if s.opts.OnData != nil && s.opts.OnData(len(s.Messages())) {
				io.Copy(io.Discard, conn)
				return
			}
			time.Sleep(s.opts.Slow)
			reply(250, "queued")
		case "RSET":
			msg = nil
			reply(250, "ok")
		case "NOOP":
			reply(250, "ok")
		case "QUIT":
			reply(221, "bye")
			return
		default:
			reply(502, "command not implemented")
		}
	}
}

func (s *Server) rejects(addr string) bool {
	for _, r := range s.opts.Reject {
		if strings.EqualFold(r, addr) {
			return true
		}
	}
	return false
}

// greylists reports whether the recipient is still to be answered 450,
// counting the answer.
func (s *Server) greylists(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.greyed == nil {
		s.greyed = map[string]int{}
	}
	key := strings.ToLower(addr)
	if s.greyed[key] >= s.opts.Greylist {
		return false
	}
	s.greyed[key]++
	return true
}

// address reads the path of "FROM:<a@b> SIZE=1" or "TO:<a@b>".
func address(arg string) string {
	_, rest, _ := strings.Cut(arg, ":")
	rest = strings.TrimSpace(rest)
	if i := strings.IndexByte(rest, '>'); strings.HasPrefix(rest, "<") && i > 0 {
		return rest[1:i]
	}
	return strings.Fields(rest + " ")[0]
}

// certificate makes a self-signed certificate for 127.0.0.1 and a client
// configuration that trusts it.
func certificate(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "smtptest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	return server, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}
