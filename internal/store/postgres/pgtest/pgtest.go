// Package pgtest gives tests a real PostgreSQL server: a throwaway one,
// started on a free loopback port the first time a test asks for a
// database and stopped when the package's tests end, or the server that
// NEWSHUB_TEST_POSTGRES names. Each call to DSN makes a new, empty database.
//
// Without a server or the binaries to start one, tests that ask skip with a
// message, except under CI=true, where they fail.
//
// A package that uses it runs its tests through Main:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvServer names an existing server to test against instead of starting
// one: a postgres:// URL of a role that may create databases.
const EnvServer = "NEWSHUB_TEST_POSTGRES"

// binGlob matches the folders of Debian's PostgreSQL server binaries.
var binGlob = "/usr/lib/postgresql/*/bin"

var (
	once    sync.Once
	srv     *server
	srvErr  error
	missing string // why there is no server to test against; "" when there is
)

// Main runs the tests of a package and stops the server afterwards, after
// running the package's own cleanups, if any.
func Main(m *testing.M, cleanups ...func()) {
	code := m.Run()
	for _, c := range cleanups {
		c()
	}
	if srv != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	os.Exit(code)
}

// DSN returns the address of a new, empty database. The test is skipped
// when there is no PostgreSQL to test against (failed under CI=true).
func DSN(t testing.TB) string {
	t.Helper()
	s := get(t)
	dsn, err := s.createDB(context.Background(), "")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// DSNWithLocale is DSN for a database whose default collation is the ICU
// locale given (such as "en-US"), in which text does not sort byte by byte.
func DSNWithLocale(t testing.TB, icuLocale string) string {
	t.Helper()
	s := get(t)
	dsn, err := s.createDB(context.Background(), icuLocale)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// Copy returns the address of a new database copied from a template that
// prepare makes once per process for each key (a store's migrations run on
// it), in the ICU locale given ("" for the server's default). A store
// suite opens hundreds of databases, and copying a migrated one takes a
// fraction of the time migrating a new one does. Tests of migrating
// itself use DSN.
func Copy(t testing.TB, key, icuLocale string, prepare func(ctx context.Context, dsn string) error) string {
	t.Helper()
	s := get(t)
	tmpl, err := s.template(key, icuLocale, prepare)
	if err != nil {
		t.Fatalf("pgtest: template %s: %v", key, err)
	}
	dsn, err := s.copyDB(context.Background(), tmpl)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// Admin returns the address of the server's maintenance database, for
// tests that watch or end other sessions.
func Admin(t testing.TB) string {
	t.Helper()
	return get(t).admin
}

// get returns the server, starting it the first time, or skips t.
func get(t testing.TB) *server {
	t.Helper()
	once.Do(func() { srv, srvErr = open() })
	if srvErr != nil {
		t.Fatalf("pgtest: %v", srvErr)
	}
	if srv == nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI=true: %s", missing)
		}
		t.Skipf("skipping PostgreSQL test: %s", missing)
	}
	return srv
}

// server is a PostgreSQL server the tests create databases on.
type server struct {
	admin string // DSN of the maintenance database
	dir   string // the throwaway server's folder; "" for an existing server

	// The throwaway server: its binaries, port, user and process.
	bin  string
	port int
	cred *account // nil: this process's own
	proc *os.Process
	exit chan error // the process's end

	mu        sync.Mutex
	n         int      // databases made
	made      []string // their names, dropped at the end on an existing server
	owner     string   // a prefix unique to this process
	templates map[string]*template
}

// template is a database prepared once, for Copy to copy.
type template struct {
	once sync.Once
	name string
	err  error
}

// open finds or starts a server; (nil, nil) when there is none to be had.
func open() (*server, error) {
	owner := fmt.Sprintf("newshub_test_%d", os.Getpid())
	if dsn := os.Getenv(EnvServer); dsn != "" {
		s := &server{admin: dsn, owner: owner}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.ping(ctx); err != nil {
			return nil, fmt.Errorf("%s=%s: %w", EnvServer, dsn, err)
		}
		return s, nil
	}
	bin, err := binDir()
	if err != nil {
		missing = err.Error()
		return nil, nil
	}
	return start(bin, owner)
}

// binDir finds the folder of initdb and postgres: on the PATH, or in
// Debian's versioned folders, the newest first.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob(binGlob)
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries (initdb not on the PATH nor in /usr/lib/postgresql/*/bin; install postgresql) and %s is not set", EnvServer)
}

// version reads the major version out of /usr/lib/postgresql/N/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// start makes a cluster in a new temporary folder and starts a server on
// it.
func start(bin, owner string) (*server, error) {
	dir, err := os.MkdirTemp("", "newshub-pg-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, bin: bin, owner: owner}
	cred, err := s.credential()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.cred = cred
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "newshub",
		"-E", "UTF8", "--no-locale", "--no-sync")
	initdb.SysProcAttr = procAttr(cred, false)
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if s.port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.admin = fmt.Sprintf("postgres://newshub@127.0.0.1:%d/postgres?sslmode=disable", s.port)
	if err := s.run(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// run starts the server process on the cluster and waits until it takes
// connections. The process is a child of this one that the kernel stops if
// this process dies, so a crashed test run leaves no server behind.
func (s *server) run() error {
	logFile := filepath.Join(s.dir, "server.log")
	log, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	if s.cred != nil {
		os.Chown(logFile, s.cred.uid, s.cred.gid)
	}
	// Durability is of no use to a throwaway server; speed is.
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), "-D", filepath.Join(s.dir, "data"), "-p", strconv.Itoa(s.port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=64MB")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = procAttr(s.cred, true)
	s.exit = make(chan error, 1)
	started := make(chan error, 1)
	go func() {
		// The kernel sends Pdeathsig when the thread that started the
		// child exits, so that thread must live as long as the server.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.exit <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	s.proc = cmd.Process
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		err := s.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case exitErr := <-s.exit:
			data, _ := os.ReadFile(logFile)
			return fmt.Errorf("postgres exited (%v) before it took connections:\n%s", exitErr, data)
		case <-ctx.Done():
			data, _ := os.ReadFile(logFile)
			s.halt()
			return fmt.Errorf("postgres took no connections within a minute (%v):\n%s", err, data)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// halt stops the server process (a fast shutdown: sessions are ended).
func (s *server) halt() error { return s.haltBy(syscall.SIGINT) }

// haltBy stops the server process with the signal given: SIGINT for a
// fast shutdown, SIGQUIT for an immediate one (pg_ctl's modes).
func (s *server) haltBy(sig syscall.Signal) error {
	if err := s.proc.Signal(sig); err != nil {
		return nil // gone already
	}
	select {
	case <-s.exit:
		return nil
	case <-time.After(30 * time.Second):
		s.proc.Kill()
		<-s.exit
		return errors.New("postgres did not stop within 30s: killed")
	}
}

// Restart stops the throwaway server, as an operator's restart does (every
// session is ended), and starts it again on the same port with the same
// databases. A test run against an existing server (EnvServer) is skipped.
func Restart(t testing.TB) { restart(t, syscall.SIGINT) }

// Crash stops the throwaway server as a crash does (an immediate
// shutdown, pg_ctl -m immediate: nothing is written out, transactions in
// flight are lost) and starts it again, when it recovers from its log
// before it takes connections. A test run against an existing server
// (EnvServer) is skipped.
func Crash(t testing.TB) { restart(t, syscall.SIGQUIT) }

func restart(t testing.TB, sig syscall.Signal) {
	t.Helper()
	s := get(t)
	if s.dir == "" {
		t.Skipf("skipping: %s names a server these tests may not restart", EnvServer)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.haltBy(sig); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if err := s.run(); err != nil {
		t.Fatalf("pgtest: restart: %v", err)
	}
}

// Standby starts a hot standby of the throwaway server, a streaming
// replica made with pg_basebackup as an operator makes one, and returns
// the address of dsn's database (one of DSN's) on it, once the standby
// holds it. The standby stops when t ends. A test run against an existing
// server (EnvServer) is skipped.
func Standby(t testing.TB, dsn string) string {
	t.Helper()
	s := get(t)
	if s.dir == "" {
		t.Skipf("skipping: %s names a server these tests may not make a standby of", EnvServer)
	}
	sb, err := s.standby()
	if err != nil {
		t.Fatalf("pgtest: standby: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.stop(); err != nil {
			t.Errorf("pgtest: standby: %v", err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	u.Host = fmt.Sprintf("127.0.0.1:%d", sb.port)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		// A database made after the backup began comes with the stream.
		c, err := pgx.Connect(ctx, u.String())
		if err == nil {
			c.Close(ctx)
			return u.String()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("pgtest: the standby has no database %s within a minute: %v", u.Path, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// standby copies the throwaway server's cluster with pg_basebackup -R,
// which leaves it set up to follow the server, and starts it.
func (s *server) standby() (*server, error) {
	dir, err := os.MkdirTemp("", "newshub-pg-standby-")
	if err != nil {
		return nil, err
	}
	sb := &server{dir: dir, bin: s.bin, cred: s.cred, owner: s.owner}
	if s.cred != nil {
		if err := os.Chown(dir, s.cred.uid, s.cred.gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	backup := exec.Command(s.tool("pg_basebackup"), "-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", "newshub",
		"-D", filepath.Join(dir, "data"), "-R", "-X", "stream", "--no-sync", "-c", "fast")
	backup.SysProcAttr = procAttr(s.cred, false)
	if out, err := backup.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_basebackup: %w\n%s", err, out)
	}
	if sb.port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	sb.admin = fmt.Sprintf("postgres://newshub@127.0.0.1:%d/postgres?sslmode=disable", sb.port)
	if err := sb.run(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return sb, nil
}

// tool returns the path of the server's program called name: beside
// initdb, or beside what initdb links to (a PATH may hold links to a few
// of the programs only).
func (s *server) tool(name string) string {
	p := filepath.Join(s.bin, name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if real, err := filepath.EvalSymlinks(filepath.Join(s.bin, "initdb")); err == nil {
		return filepath.Join(filepath.Dir(real), name)
	}
	return p
}

// credential returns who the server runs as: PostgreSQL refuses to run as
// root, so a root test run hands the folder to the postgres user.
func (s *server) credential() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, the server needs a postgres user to run as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(s.dir, uid, gid); err != nil {
		return nil, err
	}
	return &account{uid: uid, gid: gid}, nil
}

// freePort returns a loopback TCP port nothing listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *server) ping(ctx context.Context) error {
	c, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return err
	}
	return c.Close(ctx)
}

// createDB makes a new database and returns its DSN.
func (s *server) createDB(ctx context.Context, icuLocale string) (string, error) {
	stmt := `CREATE DATABASE %s`
	if icuLocale != "" {
		if strings.Trim(icuLocale, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_@=") != "" {
			return "", fmt.Errorf("ICU locale %q: want letters, digits and -_@=", icuLocale)
		}
		stmt += ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '` + icuLocale + `' LOCALE 'C'`
	}
	return s.makeDB(ctx, stmt)
}

// makeDB runs stmt, a CREATE DATABASE with %s for the name, under a new
// name and returns the new database's DSN.
func (s *server) makeDB(ctx context.Context, stmt string) (string, error) {
	s.mu.Lock()
	s.n++
	name := fmt.Sprintf("%s_%d", s.owner, s.n)
	s.made = append(s.made, name)
	s.mu.Unlock()
	c, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, fmt.Sprintf(stmt, name)); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(s.admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// template returns the name of the database prepare made for key, making
// it the first time. Nothing stays connected to it after, as copying it
// requires.
func (s *server) template(key, icuLocale string, prepare func(ctx context.Context, dsn string) error) (string, error) {
	s.mu.Lock()
	if s.templates == nil {
		s.templates = map[string]*template{}
	}
	tm := s.templates[key+"/"+icuLocale]
	if tm == nil {
		tm = &template{}
		s.templates[key+"/"+icuLocale] = tm
	}
	s.mu.Unlock()
	tm.once.Do(func() {
		ctx := context.Background()
		dsn, err := s.createDB(ctx, icuLocale)
		if err != nil {
			tm.err = err
			return
		}
		if err := prepare(ctx, dsn); err != nil {
			tm.err = err
			return
		}
		u, err := url.Parse(dsn)
		if err != nil {
			tm.err = err
			return
		}
		tm.name = strings.TrimPrefix(u.Path, "/")
	})
	return tm.name, tm.err
}

// copyDB makes a new database as a copy of the template named and returns
// its DSN. A throwaway server copies the template's files, which is
// quicker than logging them; an existing server keeps its default.
func (s *server) copyDB(ctx context.Context, tmpl string) (string, error) {
	stmt := `CREATE DATABASE %s TEMPLATE ` + tmpl
	if s.dir != "" {
		stmt += ` STRATEGY FILE_COPY`
	}
	return s.makeDB(ctx, stmt)
}

// stop ends the throwaway server and removes its folder, or drops the
// databases made on an existing server.
func (s *server) stop() error {
	if s.dir == "" {
		return s.dropAll()
	}
	defer os.RemoveAll(s.dir)
	return s.halt()
}

func (s *server) dropAll() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var errs []error
	for _, name := range s.made {
		if _, err := c.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
