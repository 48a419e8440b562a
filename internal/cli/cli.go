// Package cli implements the newshub command line: global options, the
// command table and help. Each command lives in its own file and does its
// work through the internal packages; this package only parses flags,
// wires the parts together and reports.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"newshub/internal/content"
	"newshub/internal/model"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Env is what every command receives: the global options and the streams.
type Env struct {
	Site   string // site folder
	DB     string // database DSN
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	Log    *slog.Logger
	Getenv func(string) string

	// level is the least level Log writes: a crontab mails every line a
	// run writes to stderr, and one set to warn mails only what went wrong.
	level *slog.LevelVar

	// hangupEnds leaves a SIGHUP to end the process, as closing its
	// terminal does: demo runs in the terminal it was started from.
	hangupEnds bool

	// listener is the address serve serves on in place of its --addr:
	// demo binds it before it makes and imports its site, so a taken
	// address fails before that work.
	listener net.Listener

	// given are the flags the command line gave, with their values,
	// across the parses of one run (global flags before the command,
	// flags between its arguments): see parseFlags.
	given map[string]string
	twice error // the first flag given twice, for parseFlags to report
}

// command is one entry of the command table.
type command struct {
	name    string
	usage   string // argument synopsis after the name
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// usageLine is the command's usage line, with no space after a command
// that takes no arguments.
func (c command) usageLine() string {
	return strings.TrimSpace("usage: newshub " + c.name + " " + c.usage)
}

// moreHelp is what a command's help says below its summary: for sources,
// which subcommands show a feed's secrets.
var moreHelp = map[string]string{"sources": `A feed's address may hold a secret: a password (https://user:secret@host/feed)
or a token in its query (?token=…). list and the messages of the others show it
masked (xxxxx), and the others take an address as list shows it. export-opml
writes the addresses whole, secrets included, as the file is to move the
subscriptions to another reader or hub: keep it as private as the site folder.
import-opml reads the feeds of every folder (a folder's name is no topic) and
names by its line each outline it leaves out: a link, a feed listed twice
(http and https, a trailing slash alike), an address that is not http or
https (refused: the exit status is 1).`}

// errUsage marks an error in how a command was called (exit status 2).
var errUsage = errors.New("usage")

// usageError returns an error that makes the command print its usage.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// errFailed reports that a command finished but something went wrong that it
// has already reported (exit status 1, nothing more printed).
var errFailed = errors.New("failed")

func commands() []command {
	return []command{
		{"init", "DIR", "create a new site with a _config.yml, a root topic and an empty sources list", runInit},
		{"import", "[SRC]", "read every record under SRC (default: the site) into the database", runImport},
		{"export", "OUT", "write every record back as files in the site layout", runExport},
		{"copy", "--to DSN [--from DSN]", "move a hub to another store (SQLite or PostgreSQL) and check the copy", runCopy},
		{"backup", "FILE", "write a consistent, compact copy of a SQLite hub's database to FILE, while it serves too", runBackup},
		{"gen", "--articles N [--seed S] OUT", "write a synthetic site for demos and benchmarks", runGen},
		{"demo", "[--addr HOST:PORT] [--dir DIR]", "create a demo site, import it and serve it", runDemo},
		{"curate", "[--window D] | --archive [--now TIME]", "recompute topics, stories, lead and related, quality and heat over the store; or apply retention (--archive)", runCurate},
		{"explain", "PATH|URL", "show why an article got its topics, story, quality and heat, and whether it is published", runExplain},
		{"edit", editUsage, "record an editorial decision (hide, show, block, move, merge, lead, pin, topics) and apply it", runEdit},
		{"cluster", "--in FILE [--out FILE] [--related K]", "cluster JSON-lines articles into stories", runCluster},
		{"newsletter", "[--date YYYY-MM-DD] [--no-send] [--resend]", "write a day's newsletter issue now (and mail it where smtp: is set, to the addresses not mailed it before)", runNewsletter},
		{"scope", "--hub HUB.json --in FILE [--out FILE]", "decide which JSON-lines articles are on the hub's topic", runScope},
		{"build", "[--base-url URL] OUT", "write the static API, feeds and website to OUT", runBuild},
		{"serve", "[--addr HOST:PORT] [--no-ingest]", "serve the API, feeds and website", runServe},
		{"ingest", "[--once]", "fetch the configured sources, once or on schedule", runIngest},
		{"status", "[--url URL]", "print the state of the hub: store, sources, last reads (from a running server's metrics with --url)", runStatus},
		{"sources", "list|add URL [--provider DOMAIN] [--topics a,b] [--interval 30m] [--dedicated]|edit URL --dedicated[=false]|remove URL|pause URL|resume URL|import-opml FILE|export-opml", "manage the feeds the hub reads", runSources},
		{"admin", "add-user NAME [--replace]|remove-user NAME|list-users", "manage the accounts of the admin area (password read from the terminal or standard input)", runAdmin},
		{"version", "", "print the version", runVersion},
	}
}

// Run executes the command line args (without the program name) and returns
// the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	env := &Env{Stdin: os.Stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv, level: new(slog.LevelVar)}
	env.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: env.level}))
	if v := getenv("NEWSHUB_LOG_LEVEL"); v != "" {
		if err := env.level.UnmarshalText([]byte(v)); err != nil {
			fmt.Fprintf(stderr, "newshub: NEWSHUB_LOG_LEVEL=%q: want debug, info, warn or error\n", v)
			return ExitUsage
		}
	}

	fs := flag.NewFlagSet("newshub", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	env.addGlobalFlags(fs)
	if err := env.parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			// "newshub --help" asks for what "newshub help" gives.
			printHelp(stdout)
			return ExitOK
		}
		fmt.Fprintf(stderr, "newshub: %v\n", flagHint(fs, err, "newshub help"))
		return ExitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		printHelp(stderr)
		return ExitUsage
	}
	name, rest := rest[0], rest[1:]
	if name == "help" || name == "-h" || name == "--help" {
		if len(rest) > 0 {
			if c, ok := lookup(rest[0]); ok {
				printCommandHelp(stdout, c, nil)
				return ExitOK
			}
		}
		printHelp(stdout)
		return ExitOK
	}
	c, ok := lookup(name)
	if !ok {
		hint := "newshub help lists the commands"
		if s := content.Suggest(name, commandNames()); s != "" {
			hint = "did you mean " + s + "?"
		}
		fmt.Fprintf(stderr, "newshub: unknown command %q (%s)\n", name, hint)
		return ExitUsage
	}
	stopProfile, err := startProfile(getenv("NEWSHUB_CPUPROFILE"))
	if err != nil {
		fmt.Fprintf(stderr, "newshub: %v\n", err)
		return ExitFailure
	}
	stopHeap := startHeapProfile(getenv("NEWSHUB_MEMPROFILE"))
	err = c.run(ctx, env, rest)
	stopHeap()
	stopProfile()
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "newshub %s: %s\n", c.name, model.MaskURLs(strings.TrimPrefix(err.Error(), "usage: ")))
		fmt.Fprintf(stderr, "%s\n", c.usageLine())
		return ExitUsage
	case errors.Is(err, errFailed):
		return ExitFailure
	default:
		// An error may name a feed by its address, secrets and all
		// (a source not listed, a bad entry): a terminal, a pasted bug
		// report or cron's mail gets it masked.
		fmt.Fprintf(stderr, "newshub %s: %s\n", c.name, model.MaskURLs(err.Error()))
		return ExitFailure
	}
}

// commandNames lists the commands' names, in the table's order.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// addGlobalFlags defines --site and --db on fs, defaulting to the
// environment, so they work before or after the command name.
func (env *Env) addGlobalFlags(fs *flag.FlagSet) {
	site := env.Site
	if site == "" {
		site = env.Getenv("NEWSHUB_SITE")
	}
	if site == "" {
		site = "."
	}
	db := env.DB
	if db == "" {
		db = env.Getenv("NEWSHUB_DB")
	}
	fs.StringVar(&env.Site, "site", site, "site folder (env NEWSHUB_SITE)")
	fs.StringVar(&env.DB, "db", db, "database DSN, sqlite:PATH or postgres://… (env NEWSHUB_DB; default sqlite:<site>/.newshub/newshub.db)")
	// Help shows the default, here the environment's DSN.
	fs.Lookup("db").DefValue = redactDSN(db)
	if env.level == nil {
		env.level = new(slog.LevelVar)
	}
	fs.Func("log-level", "least `level` of the log lines written to stderr: debug, info, warn or error (env NEWSHUB_LOG_LEVEL; default info)", func(v string) error {
		if err := env.level.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("want debug, info, warn or error, got %q", v)
		}
		return nil
	})
}

// newFlagSet returns a flag set for a command that also accepts the global
// flags and prints the command's help on -h.
func (env *Env) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	env.addGlobalFlags(fs)
	// The flag package calls Usage on every error too; parse prints the
	// help when it was asked for, so a mistake is named on stderr alone.
	fs.Usage = func() {}
	return fs
}

// parse parses a command's flags, printing help for -h and turning other
// flag errors into usage errors.
func (env *Env) parse(fs *flag.FlagSet, args []string) error {
	if err := env.parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c, _ := lookup(fs.Name())
			printCommandHelp(env.Stdout, c, fs)
			return err
		}
		return usageError("%v", flagHint(fs, err, "newshub "+fs.Name()+" -h"))
	}
	return nil
}

// flagAliases are the names other servers give flags newshub names
// otherwise, for flagHint to point from.
var flagAliases = map[string]string{"port": "addr", "listen": "addr"}

// flagHint adds to the flag package's error for a flag fs does not
// define the flag it looks like a slip of, else where help lists the
// flags: "flag provided but not defined: -prot" alone says what is wrong
// but not what to type.
func flagHint(fs *flag.FlagSet, err error, help string) error {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return err
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	want := content.Suggest(strings.TrimPrefix(name, "-"), names)
	if a := flagAliases[strings.TrimPrefix(name, "-")]; want == "" && fs.Lookup(a) != nil {
		want = a
	}
	if want != "" {
		return fmt.Errorf("%w (did you mean --%s?)", err, want)
	}
	return fmt.Errorf("%w (%s lists the flags)", err, help)
}

// parseFlags is fs.Parse, but for a flag given twice in the run, an error
// naming it and both values: the flag package takes the last without a
// word, and "--interval 30m ... --interval 1h" had the first unsaid.
func (env *Env) parseFlags(fs *flag.FlagSet, args []string) error {
	if env.given == nil {
		env.given = map[string]string{}
	}
	// Each value is wrapped for this parse only: the help printed after
	// it reads the flags' own values and defaults.
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	for _, f := range flags {
		key := f.Name
		if !slices.Contains(globalFlags, f.Name) {
			// A command's own flags are its own: demo hands serve an
			// --addr of its own making.
			key = fs.Name() + " " + f.Name
		}
		f.Value = &onceValue{Value: f.Value, name: f.Name, key: key, env: env}
	}
	defer func() {
		for _, f := range flags {
			f.Value = f.Value.(*onceValue).Value
		}
	}()
	err := fs.Parse(args)
	if env.twice != nil && err != nil {
		return env.twice
	}
	return err
}

// globalFlags are the flags addGlobalFlags defines, given before the
// command or after it.
var globalFlags = []string{"site", "db", "log-level"}

// onceValue is a flag's value that refuses to be set a second time.
type onceValue struct {
	flag.Value
	name string
	key  string // in Env.given
	env  *Env
}

func (v *onceValue) Set(s string) error {
	if first, ok := v.env.given[v.key]; ok {
		if v.name == "db" {
			first, s = redactDSN(first), redactDSN(s) // no password on stderr
		}
		v.env.twice = fmt.Errorf("flag --%s given twice (%q, then %q): give it once", v.name, first, s)
		return v.env.twice
	}
	if err := v.Value.Set(s); err != nil {
		return err
	}
	v.env.given[v.key] = s
	return nil
}

// IsBoolFlag passes on the wrapped value's, so that "--dedicated" alone
// still sets a bool flag.
func (v *onceValue) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// DSN returns the database DSN, defaulting to the site's SQLite file.
func (env *Env) DSN() string {
	if env.DB != "" {
		return env.DB
	}
	return "sqlite:" + filepath.Join(env.Site, ".newshub", "newshub.db")
}

func printHelp(w io.Writer) {
	fmt.Fprintf(w, `newshub: a topic news hub engine.

Usage: newshub [--site DIR] [--db DSN] [--log-level LEVEL] COMMAND [ARGS]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Global flags (also after the command name):
  --site DIR  site folder (env NEWSHUB_SITE, default .)
  --db DSN    database (env NEWSHUB_DB, default sqlite:<site>/.newshub/newshub.db)
  --log-level LEVEL
              least level of the log lines on stderr: debug, info, warn or error
              (env NEWSHUB_LOG_LEVEL, default info)

Run "newshub COMMAND -h" for a command's flags.
`)
}

func printCommandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\n%s.\n", c.usageLine(), capitalize(c.summary))
	if more := moreHelp[c.name]; more != "" {
		fmt.Fprintf(w, "\n%s\n", more)
	}
	if fs == nil {
		return
	}
	fmt.Fprintf(w, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
