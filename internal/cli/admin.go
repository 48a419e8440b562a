package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"newshub/internal/admin/users"
)

// runAdmin manages the accounts of the admin area (.newshub/users.yaml).
func runAdmin(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("admin")
	replace := fs.Bool("replace", false, "add-user: set a new password for an existing account")
	sub, pos, err := parseSubcommand(env, fs, args, "missing subcommand: add-user NAME, remove-user NAME or list-users",
		map[string]int{"add-user": 1, "remove-user": 1, "list-users": 0})
	if err != nil {
		return err
	}
	if fi, err := os.Stat(env.Site); err != nil || !fi.IsDir() {
		return fmt.Errorf("site folder %s: not a folder", env.Site)
	}
	acc := users.Open(env.Site, users.Params{})
	switch sub {
	case "add-user":
		name := pos[0]
		if err := users.CheckName(name); err != nil {
			return usageError("%v", err)
		}
		pw, err := readPassword(env, name)
		if err != nil {
			return err
		}
		if err := acc.Add(name, pw, *replace, time.Now()); err != nil {
			if errors.Is(err, users.ErrExists) {
				return fmt.Errorf("%w (use --replace to set a new password)", err)
			}
			return err
		}
		verb := "added"
		if *replace {
			verb = "set the password of"
		}
		fmt.Fprintf(env.Stdout, "%s %s in %s\n", verb, name, acc.File())
	case "remove-user":
		if err := acc.Remove(pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "removed %s; their sessions end at their next request\n", pos[0])
	case "list-users":
		us, err := acc.List()
		if err != nil {
			return err
		}
		if len(us) == 0 {
			fmt.Fprintln(env.Stderr, "no accounts; add one with: newshub admin add-user NAME")
			return nil
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tADDED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\n", u.Name, when(u.Added))
		}
		return tw.Flush()
	}
	return nil
}

// readPassword reads a new password: typed twice, unseen, at a terminal;
// else the first line of standard input (for scripts: the password is
// never an argument, which other users of the machine could read).
func readPassword(env *Env, name string) (string, error) {
	in := env.Stdin
	if in == nil {
		in = os.Stdin
	}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(env.Stderr, "Password for %s: ", name)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if err := users.CheckPassword(string(first)); err != nil {
			return "", err
		}
		fmt.Fprintf(env.Stderr, "Again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(again) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(io.LimitReader(in, users.MaxPassword+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	return pw, users.CheckPassword(pw)
}
