package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/admin/users"
)

// runWithStdin runs a command with the given standard input.
func runWithStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }}
	c, _ := lookup(args[0])
	err := c.run(context.Background(), env, args[1:])
	code := ExitOK
	if err != nil {
		code = ExitFailure
		errs.WriteString(err.Error())
	}
	return code, out.String(), errs.String()
}

func TestAdminUsersFromStandardInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	if code, out, errs := runWithStdin(t, "correct horse battery\n", "admin", "--site", dir, "add-user", "ada"); code != 0 || !strings.Contains(out, "added ada") {
		t.Fatalf("add-user: exit %d: %s %s", code, out, errs)
	}
	for _, tt := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"correct horse battery\n", []string{"add-user", "ada"}, "user exists (use --replace"},
		{"short\n", []string{"add-user", "grace"}, "password too short"},
		{"", []string{"add-user", "grace"}, "no password on standard input"},
		{"", []string{"remove-user", "grace"}, "no such user"},
	} {
		code, _, errs := runWithStdin(t, tt.stdin, append([]string{"admin", "--site", dir}, tt.args...)...)
		if code == 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("admin %v: exit %d, %q; want an error saying %q", tt.args, code, errs, tt.want)
		}
	}
	if code, _, errs := run(t, "admin", "--site", dir, "add-user", "Ada Lovelace"); code != ExitUsage || !strings.Contains(errs, "user name") {
		t.Errorf("a bad name: exit %d: %s", code, errs)
	}
	if code, out, errs := runWithStdin(t, "a newer password\r\n", "admin", "--site", dir, "add-user", "--replace", "ada"); code != 0 || !strings.Contains(out, "set the password of ada") {
		t.Fatalf("add-user --replace: exit %d: %s %s", code, out, errs)
	}
	if ok, err := users.Open(dir, users.Params{}).Verify("ada", "a newer password"); !ok || err != nil {
		t.Errorf("the replaced password does not verify: %v %v", ok, err)
	}
	code, out, _ := run(t, "admin", "--site", dir, "list-users")
	if code != 0 || !strings.HasPrefix(out, "NAME  ADDED\nada   20") {
		t.Errorf("list-users: exit %d:\n%s", code, out)
	}
	if fi, err := os.Stat(filepath.Join(dir, ".newshub", "users.yaml")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("accounts file: %v %v", fi, err)
	}
	if code, out, _ := run(t, "admin", "--site", dir, "remove-user", "ada"); code != 0 || !strings.Contains(out, "removed ada") {
		t.Errorf("remove-user: exit %d: %s", code, out)
	}
	if code, _, errs := run(t, "admin", "--site", dir, "list-users"); code != 0 || !strings.Contains(errs, "no accounts") {
		t.Errorf("list-users of none: exit %d: %s", code, errs)
	}
}
