package users

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// cheap are parameters that keep the tests fast; the hash format and the
// checks are the same as with DefaultParams.
var cheap = Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestAddVerifyListRemove(t *testing.T) {
	dir := t.TempDir()
	a := Open(dir, cheap)
	if us, err := a.List(); err != nil || len(us) != 0 {
		t.Fatalf("a site without the file: %v, %v", us, err)
	}
	for _, name := range []string{"grace", "ada"} {
		if err := a.Add(name, "correct horse "+name, false, now); err != nil {
			t.Fatalf("Add %s: %v", name, err)
		}
	}
	if err := a.Add("ada", "another password", false, now); !errors.Is(err, ErrExists) {
		t.Errorf("adding ada again: %v, want ErrExists", err)
	}
	fi, err := os.Stat(filepath.Join(dir, ".newshub", "users.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("accounts file mode %v, want 0600", fi.Mode().Perm())
	}
	data, _ := os.ReadFile(a.File())
	if strings.Contains(string(data), "correct horse") || !strings.Contains(string(data), "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("file holds:\n%s", data)
	}
	us, err := a.List()
	if err != nil || len(us) != 2 || us[0].Name != "ada" || us[1].Name != "grace" || !us[0].Added.Equal(now) {
		t.Fatalf("List = %+v, %v", us, err)
	}
	// Another reader of the same file (the server, while the command line
	// writes) sees the same.
	b := Open(dir, Params{})
	for _, tt := range []struct {
		name, pw string
		want     bool
	}{
		{"ada", "correct horse ada", true},
		{"grace", "correct horse grace", true},
		{"ada", "correct horse grace", false},
		{"ada", "correct horse ada ", false},
		{"ada", "", false},
		{"nobody", "correct horse ada", false},
		{"ada", strings.Repeat("x", MaxPassword+1), false},
	} {
		ok, err := b.Verify(tt.name, tt.pw)
		if err != nil || ok != tt.want {
			t.Errorf("Verify(%s, %.20q) = %v, %v; want %v", tt.name, tt.pw, ok, err, tt.want)
		}
	}
	if err := a.Add("ada", "a new password", true, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.Verify("ada", "correct horse ada"); ok {
		t.Error("the replaced password still verifies")
	}
	if ok, _ := b.Verify("ada", "a new password"); !ok {
		t.Error("the new password does not verify")
	}
	if err := a.Remove("grace"); err != nil {
		t.Fatal(err)
	}
	if err := a.Remove("grace"); !errors.Is(err, ErrNoUser) {
		t.Errorf("removing grace twice: %v", err)
	}
	if ok, _ := b.Exists("grace"); ok {
		t.Error("a removed account exists for another reader")
	}
	if ok, _ := b.Verify("grace", "correct horse grace"); ok {
		t.Error("a removed account verifies")
	}
}

func TestBadNamesAndPasswordsAreRefused(t *testing.T) {
	a := Open(t.TempDir(), cheap)
	for _, tt := range []struct{ name, pw string }{
		{"Ada", "long enough password"},
		{"", "long enough password"},
		{"-ada", "long enough password"},
		{"ada lovelace", "long enough password"},
		{strings.Repeat("a", 65), "long enough password"},
		{"ada", "short"},
		{"ada", strings.Repeat("p", MaxPassword+1)},
		{"ada", "long enough \xff password"},
	} {
		if err := a.Add(tt.name, tt.pw, false, now); err == nil {
			t.Errorf("Add(%q, %.20q) succeeded", tt.name, tt.pw)
		}
	}
	if _, err := os.Stat(a.File()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused adds wrote the file: %v", err)
	}
}

// TestUnknownNameCostsWhatAWrongPasswordCosts checks that a sign-in with a
// name that has no account derives a key with the same parameters, as
// many times, as one with a wrong password: the two take the same time.
func TestUnknownNameCostsWhatAWrongPasswordCosts(t *testing.T) {
	a := Open(t.TempDir(), cheap)
	if err := a.Add("ada", "correct horse battery", false, now); err != nil {
		t.Fatal(err)
	}
	var calls []string
	var mu sync.Mutex
	inner := a.derive
	a.derive = func(pw, salt []byte, tm, mem uint32, th uint8, n uint32) []byte {
		mu.Lock()
		calls = append(calls, fmt.Sprintf("t=%d m=%d p=%d salt=%d key=%d", tm, mem, th, len(salt), n))
		mu.Unlock()
		return inner(pw, salt, tm, mem, th, n)
	}
	a.Verify("warm-up", "x") // the first sign-in also makes the decoy hash
	work := func(name, pw string) []string {
		calls = nil
		if ok, err := a.Verify(name, pw); ok || err != nil {
			t.Fatalf("Verify(%s) = %v, %v", name, ok, err)
		}
		return calls
	}
	wrong, unknown := work("ada", "wrong password!"), work("mallory", "wrong password!")
	if len(wrong) != 1 || fmt.Sprint(wrong) != fmt.Sprint(unknown) {
		t.Errorf("wrong password derives %v, unknown name %v; want the same single derivation", wrong, unknown)
	}
}

// TestDefaultParamsHashAndVerify runs the real cost once.
func TestDefaultParamsHashAndVerify(t *testing.T) {
	a := Open(t.TempDir(), Params{})
	if err := a.Add("ada", "correct horse battery", false, now); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(a.File())
	if !strings.Contains(string(data), "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Errorf("hash not made with the default parameters:\n%s", data)
	}
	// A hash made with other parameters verifies by its own.
	c := Open(filepath.Dir(filepath.Dir(a.File())), cheap)
	if ok, err := c.Verify("ada", "correct horse battery"); !ok || err != nil {
		t.Errorf("Verify = %v, %v", ok, err)
	}
}

func TestMalformedFilesArePreciselyRefused(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"not-yaml.yaml", ": yaml: line 1: did not find expected node content"},
		{"not-a-list.yaml", ":3: users: want a list"},
		{"bad-key.yaml", `:3: unknown key "pasword"`},
		{"twice.yaml", ":4: user ada is listed twice"},
		{"huge-memory.yaml", ":4: user bob: password hash: parameters out of bounds m=4194304,t=1,p=1"},
		{"bcrypt.yaml", ":2: user ada: password hash: not an argon2id hash"},
		{"bad-name.yaml", `:2: user name "Ada Lovelace"`},
	} {
		t.Run(tt.file, func(t *testing.T) {
			dir := t.TempDir()
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			a := Open(dir, cheap)
			os.MkdirAll(filepath.Dir(a.File()), 0o700)
			if err := os.WriteFile(a.File(), data, 0o600); err != nil {
				t.Fatal(err)
			}
			want := a.File() + tt.want
			_, err = a.List()
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("List: %v, want %s…", err, want)
			}
			// No one signs in from a file that cannot be read, and the
			// error says why.
			if ok, err := a.Verify("ada", "whatever password"); ok || err == nil {
				t.Errorf("Verify = %v, %v", ok, err)
			}
			// Nor is it overwritten by an add.
			if err := a.Add("grace", "correct horse battery", false, now); err == nil {
				t.Error("Add over a malformed file succeeded")
			}
			if after, _ := os.ReadFile(a.File()); string(after) != string(data) {
				t.Error("the malformed file was changed")
			}
		})
	}
}

// TestConcurrentWritersAllLand adds accounts from several writers at
// once, each with its own Accounts as separate processes would have: the
// file lock makes every add land.
func TestConcurrentWritersAllLand(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := Open(dir, cheap).Add(fmt.Sprintf("user%d", i), "correct horse battery", false, now); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	us, err := Open(dir, cheap).List()
	if err != nil || len(us) != 8 {
		t.Fatalf("after 8 concurrent adds: %d accounts, %v", len(us), err)
	}
}

// TestStampChangesWithThePassword checks that a password's stamp, which
// a session keeps, is the same for every sign-in with it and changes when
// the password is set anew, and that a failed check gives none.
func TestStampChangesWithThePassword(t *testing.T) {
	a := Open(t.TempDir(), cheap)
	if err := a.Add("ada", "correct horse battery", false, now); err != nil {
		t.Fatal(err)
	}
	first, ok, err := a.VerifyStamp("ada", "correct horse battery")
	if err != nil || !ok || first == "" {
		t.Fatalf("VerifyStamp: %q %v %v", first, ok, err)
	}
	if s, ok, err := a.Stamp("ada"); err != nil || !ok || s != first {
		t.Errorf("Stamp: %q %v %v, want %q", s, ok, err, first)
	}
	for _, c := range []struct{ name, password string }{{"ada", "not the password"}, {"mallory", "correct horse battery"}} {
		if s, ok, err := a.VerifyStamp(c.name, c.password); err != nil || ok || s != "" {
			t.Errorf("VerifyStamp(%s, %s): %q %v %v, want no stamp", c.name, c.password, s, ok, err)
		}
	}
	if _, ok, err := a.Stamp("mallory"); err != nil || ok {
		t.Errorf("Stamp of a name without an account: %v %v", ok, err)
	}
	if err := a.Add("ada", "a brand new password", true, now); err != nil {
		t.Fatal(err)
	}
	if s, ok, err := a.Stamp("ada"); err != nil || !ok || s == first {
		t.Errorf("Stamp after a new password: %q %v %v, the old one was %q", s, ok, err, first)
	}
}

// TestNewPasswordSeenWhateverTheFileTimes checks that a password set anew
// by another process (the command line, beside a running server) counts
// at once even when the file it wrote has the old one's size and
// modification time, as a file written within one tick of the clock that
// stamps files has: the new password signs in, the old one no longer.
func TestNewPasswordSeenWhateverTheFileTimes(t *testing.T) {
	dir := t.TempDir()
	server, cli := Open(dir, cheap), Open(dir, cheap)
	if err := cli.Add("ada", "correct horse battery", false, now); err != nil {
		t.Fatal(err)
	}
	if ok, err := server.Verify("ada", "correct horse battery"); err != nil || !ok {
		t.Fatalf("Verify: %v %v", ok, err)
	}
	before, err := os.Stat(server.File())
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Add("ada", "stapler battery horse", true, now); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(server.File())
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() != before.Size() {
		t.Fatalf("the new file has %d bytes, the old %d: the test needs hashes of one length", after.Size(), before.Size())
	}
	if err := os.Chtimes(server.File(), before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		password string
		want     bool
	}{{"stapler battery horse", true}, {"correct horse battery", false}} {
		if ok, err := server.Verify("ada", c.password); err != nil || ok != c.want {
			t.Errorf("Verify(ada, %q) = %v %v, want %v", c.password, ok, err, c.want)
		}
	}
}
