// Package users keeps the accounts of a hub's admin area: each a name and
// an argon2id hash of its password, in the site folder's
// .newshub/users.yaml.
//
// The file lives under .newshub/, beside the SQLite database, and not
// under _data/: the site's data folder is published and committed with
// the site, and password hashes belong to neither. The file is written
// with mode 0600 and replaced atomically under a lock, so two
// `newshub admin add-user` at once both land. Export carries the file,
// as it is and with its mode, to the hub's new site folder (Read, Keep).
//
// # Hashing
//
// Passwords are hashed with argon2id (RFC 9106) with the second of the
// RFC's recommended choices, meant for machines short of memory: 3 passes
// over 64 MiB with 4 lanes, a 16-byte random salt and a 32-byte key. That
// costs some 100 ms of two cores, which a sign-in can afford and a guesser
// with a copy of the file cannot multiply cheaply. Each hash is stored in
// the PHC string format ($argon2id$v=19$m=65536,t=3,p=4$salt$key), so
// hashes made with other parameters still verify; the parameters a hash
// may carry are bounded (at most 1 GiB, 64 passes), so an edited file
// cannot make a sign-in cost without end. Keys are compared in constant
// time, and a name that has no account is checked against a hash of the
// same cost, so a sign-in takes as long whether the name exists or not.
package users

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/argon2"

	"newshub/internal/atomicfile"
)

// Path is where a site keeps its accounts, relative to the site folder.
const Path = ".newshub/users.yaml"

// Password lengths, in bytes. The upper bound keeps what a sign-in
// hashes small.
const (
	MinPassword = 10
	MaxPassword = 1024
)

// Params are argon2id's cost parameters.
type Params struct {
	Time    uint32 // passes over the memory
	Memory  uint32 // KiB
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams returns the parameters new hashes get (see the package
// comment).
func DefaultParams() Params {
	return Params{Time: 3, Memory: 64 << 10, Threads: 4, SaltLen: 16, KeyLen: 32}
}

// Bounds of the parameters a stored hash may carry.
const (
	maxTime   = 64
	maxMemory = 1 << 20 // KiB: 1 GiB
)

// ErrNoUser is returned for a name that has no account.
var ErrNoUser = errors.New("no such user")

// ErrExists is returned when adding a name that has an account.
var ErrExists = errors.New("user exists")

// User is an account.
type User struct {
	Name  string    `yaml:"name"`
	Hash  string    `yaml:"password"` // argon2id, PHC string format
	Added time.Time `yaml:"added"`
}

// Accounts reads and writes a site's accounts file. It is safe for
// concurrent use; it reads the file again whenever the file changed, so
// accounts added or removed by the command line count at once.
type Accounts struct {
	path   string
	params Params
	// derive is argon2.IDKey; tests count its calls.
	derive func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte

	mu     sync.Mutex
	cached []User
	stamp  fileStamp
	decoy  string // a hash of a random password with params, for unknown names
}

// fileStamp tells whether the file changed since it was read. The file
// is always replaced whole, so a new file is a change even with the old
// one's size and time: a time is only as fine as the clock that stamps
// files, and a new password's hash is as long as the old one's.
type fileStamp struct {
	fi os.FileInfo
}

func (s fileStamp) same(fi os.FileInfo) bool {
	return s.fi != nil && os.SameFile(s.fi, fi) && s.fi.Size() == fi.Size() && s.fi.ModTime().Equal(fi.ModTime())
}

// Open returns the accounts of the site folder siteDir, hashing new
// passwords with p (the zero Params: DefaultParams).
func Open(siteDir string, p Params) *Accounts {
	if p == (Params{}) {
		p = DefaultParams()
	}
	return &Accounts{path: filepath.Join(siteDir, filepath.FromSlash(Path)), params: p, derive: argon2.IDKey}
}

// File returns the path of the accounts file.
func (a *Accounts) File() string { return a.path }

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// CheckName reports what is wrong with an account name: 1 to 64 of a-z,
// 0-9, '.', '_' and '-', starting with a letter or digit.
func CheckName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("user name %q: want 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit", name)
	}
	return nil
}

// CheckPassword reports what is wrong with a new password.
func CheckPassword(pw string) error {
	switch n := len(pw); {
	case n < MinPassword:
		return fmt.Errorf("password too short: at least %d characters", MinPassword)
	case n > MaxPassword:
		return fmt.Errorf("password too long: at most %d bytes", MaxPassword)
	case !utf8.ValidString(pw):
		return errors.New("password is not valid UTF-8")
	}
	return nil
}

// List returns the accounts, by name.
func (a *Accounts) List() ([]User, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	us, err := a.load()
	return slices.Clone(us), err
}

// Exists reports whether name has an account.
func (a *Accounts) Exists(name string) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	us, err := a.load()
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(us, func(u User) bool { return u.Name == name }), nil
}

// Stamp returns what changes whenever name's password is set anew (a
// digest of its hash), so that a session signed in with the old password
// can be told apart; ok is false when name has no account.
func (a *Accounts) Stamp(name string) (stamp string, ok bool, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	us, err := a.load()
	if err != nil {
		return "", false, err
	}
	i := slices.IndexFunc(us, func(u User) bool { return u.Name == name })
	if i < 0 {
		return "", false, nil
	}
	return stampOf(us[i].Hash), true, nil
}

func stampOf(hash string) string {
	sum := sha256.Sum256([]byte(hash))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Verify reports whether password is the password of name. It does the
// same work whether or not name has an account (see the package comment).
// An error means the file cannot be read or the account's hash is
// malformed; the answer is then false.
func (a *Accounts) Verify(name, password string) (bool, error) {
	_, ok, err := a.VerifyStamp(name, password)
	return ok, err
}

// VerifyStamp is Verify that also returns the Stamp of the password it
// checked, taken from the same reading of the file.
func (a *Accounts) VerifyStamp(name, password string) (stamp string, ok bool, err error) {
	a.mu.Lock()
	if a.decoy == "" {
		// Made on the first sign-in, whoever signs in, so that one is no
		// faster for a name with an account.
		a.decoy, _ = a.hash(rand.Text())
	}
	us, err := a.load()
	hash := a.decoy
	i := slices.IndexFunc(us, func(u User) bool { return u.Name == name })
	known := i >= 0
	if known {
		hash = us[i].Hash
	}
	a.mu.Unlock()
	if len(password) > MaxPassword {
		password = password[:MaxPassword] // hashed all the same, never matching a stored one
		known = false
	}
	match, herr := a.check(hash, password)
	stamp = stampOf(hash) // for a name without an account too: the same work
	if err != nil {
		return "", false, err
	}
	if herr != nil {
		return "", false, fmt.Errorf("%s: user %s: %w", a.path, name, herr)
	}
	if !match || !known {
		return "", false, nil
	}
	return stamp, true, nil
}

// Add adds an account, or with replace sets the password of an existing
// one.
func (a *Accounts) Add(name, password string, replace bool, now time.Time) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := a.hash(password)
	if err != nil {
		return err
	}
	return a.update(func(us []User) ([]User, error) {
		i := slices.IndexFunc(us, func(u User) bool { return u.Name == name })
		switch {
		case i >= 0 && !replace:
			return nil, fmt.Errorf("%s: %w", name, ErrExists)
		case i >= 0:
			us[i].Hash = hash
			return us, nil
		}
		us = append(us, User{Name: name, Hash: hash, Added: now.UTC().Truncate(time.Second)})
		slices.SortFunc(us, func(x, y User) int { return strings.Compare(x.Name, y.Name) })
		return us, nil
	})
}

// Remove removes an account.
func (a *Accounts) Remove(name string) error {
	return a.update(func(us []User) ([]User, error) {
		i := slices.IndexFunc(us, func(u User) bool { return u.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("%s: %w", name, ErrNoUser)
		}
		return slices.Delete(us, i, i+1), nil
	})
}

// update changes the file under its lock, from what it holds now.
func (a *Accounts) update(change func([]User) ([]User, error)) error {
	if err := os.MkdirAll(filepath.Dir(a.path), 0o700); err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	unlock, err := lockFile(a.path + ".lock")
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	defer unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	us, err := a.load()
	if err != nil {
		return err
	}
	us, err = change(slices.Clone(us))
	if err != nil {
		return err
	}
	if err := write(a.path, us); err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	a.stamp = fileStamp{} // read again next time
	return nil
}

// load returns the accounts, reading the file when it changed. Call with
// a.mu held. A missing file holds no accounts.
func (a *Accounts) load() ([]User, error) {
	fi, err := os.Stat(a.path)
	if errors.Is(err, os.ErrNotExist) {
		a.cached, a.stamp = nil, fileStamp{}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	if a.stamp.same(fi) {
		return a.cached, nil
	}
	data, err := os.ReadFile(a.path)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	us, err := parse(a.path, data)
	if err != nil {
		return nil, err
	}
	a.cached, a.stamp = us, fileStamp{fi}
	return us, nil
}

// FileError is what is wrong with an accounts file, and on which line (0
// when the file says no place).
type FileError struct {
	Path string
	Line int
	Err  error
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Read returns the accounts of the accounts file at path, none when
// there is no such file: a hub's own, or one an export carried. A file
// that does not read returns a *FileError.
func Read(path string) ([]User, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	return parse(path, data)
}

// Keep adds the accounts given that the file has no account of by name,
// hashes and all, and returns the names added: accounts carried from
// another copy of the hub, which never take an account's password back.
func (a *Accounts) Keep(us []User) ([]string, error) {
	var added []string
	err := a.update(func(have []User) ([]User, error) {
		added = nil
		for _, u := range us {
			if slices.ContainsFunc(have, func(h User) bool { return h.Name == u.Name }) {
				continue
			}
			have = append(have, u)
			added = append(added, u.Name)
		}
		if len(added) == 0 {
			return nil, errNoChange
		}
		slices.SortFunc(have, func(x, y User) int { return strings.Compare(x.Name, y.Name) })
		return have, nil
	})
	if errors.Is(err, errNoChange) {
		return nil, nil
	}
	return added, err
}

// errNoChange leaves the file as it is (see update).
var errNoChange = errors.New("no change")

// parse reads an accounts file; an error (a *FileError) says path:line:
// what is wrong.
func parse(path string, data []byte) ([]User, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &FileError{path, root.Line, errors.New("want a mapping with a users list")}
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Value == "users" {
			list = root.Content[i+1]
		} else {
			return nil, &FileError{path, k.Line, fmt.Errorf("unknown key %q", k.Value)}
		}
	}
	if list == nil || list.Tag == "!!null" {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &FileError{path, list.Line, errors.New("users: want a list")}
	}
	var us []User
	seen := map[string]bool{}
	for _, n := range list.Content {
		u, line, err := parseUser(n)
		if err != nil {
			return nil, &FileError{path, line, err}
		}
		if seen[u.Name] {
			return nil, &FileError{path, n.Line, fmt.Errorf("user %s is listed twice", u.Name)}
		}
		seen[u.Name] = true
		us = append(us, u)
	}
	return us, nil
}

// parseUser reads one account, or says on which line what is wrong.
func parseUser(n *yaml.Node) (User, int, error) {
	if n.Kind != yaml.MappingNode {
		return User{}, n.Line, errors.New("want a mapping with name and password")
	}
	for i := 0; i < len(n.Content); i += 2 {
		switch k := n.Content[i]; k.Value {
		case "name", "password", "added":
		default:
			return User{}, k.Line, fmt.Errorf("unknown key %q", k.Value)
		}
	}
	var u User
	if err := n.Decode(&u); err != nil {
		return User{}, n.Line, err
	}
	if err := CheckName(u.Name); err != nil {
		return User{}, n.Line, err
	}
	if _, _, _, err := decodeHash(u.Hash); err != nil {
		return User{}, n.Line, fmt.Errorf("user %s: %w", u.Name, err)
	}
	return u, n.Line, nil
}

const header = "# Accounts of the admin area, written by `newshub admin add-user`.\n" +
	"# Passwords are argon2id hashes; keep this file private.\n"

// write replaces the file atomically, readable by its owner only.
func write(path string, us []User) error {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(struct {
		Users []User `yaml:"users"`
	}{us}); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes(), 0o600)
}

// hash returns the PHC string of password under a.params and a new salt.
func (a *Accounts) hash(password string) (string, error) {
	p := a.params
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := a.derive([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// check reports whether password hashes to hash, comparing in constant
// time.
func (a *Accounts) check(hash, password string) (bool, error) {
	p, salt, key, err := decodeHash(hash)
	if err != nil {
		return false, err
	}
	got := a.derive([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// decodeHash reads an argon2id PHC string, refusing parameters out of
// bounds.
func decodeHash(s string) (Params, []byte, []byte, error) {
	bad := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("password hash: %s (want $argon2id$v=19$m=…,t=…,p=…$salt$key)", why)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("not an argon2id hash")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unknown version " + parts[2])
	}
	var p Params
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil {
		return bad("unreadable parameters " + parts[3])
	}
	if p.Time < 1 || p.Time > maxTime || threads < 1 || threads > 255 || p.Memory < 8*threads || p.Memory > maxMemory {
		return bad("parameters out of bounds " + parts[3])
	}
	p.Threads = uint8(threads)
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return bad("malformed salt")
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return bad("malformed key")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
