package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"newshub/internal/gen"
)

// Demo site defaults: big enough to look like a hub, small enough to make
// in seconds.
const (
	demoArticles = 2000
	demoSeed     = 1
)

// runDemo creates a demo site if there is none, imports it and serves it.
func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("demo")
	dir := fs.String("dir", "demo", "folder of the demo site; created when absent")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve the hub on")
	articles := fs.Int("articles", demoArticles, "articles of a new demo site")
	noServe := fs.Bool("no-serve", false, "create and import the demo site, then stop")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("unexpected arguments %v", fs.Args())
	}
	// The demo's site is --dir: a --site given would be dropped unsaid.
	if site, ok := env.given["site"]; ok {
		return usageError("the demo's site folder is --dir, not --site: give --dir %s", site)
	}
	if *articles < 1 {
		return usageError("--articles must be at least 1")
	}
	// The address is bound first: making and importing the site takes
	// seconds, and a taken address fails before them.
	var ln net.Listener
	if !*noServe {
		var err error
		if ln, err = net.Listen("tcp", *addr); err != nil {
			return addrTaken(err, "--addr")
		}
		defer ln.Close()
	}
	fresh, err := isEmptyDir(*dir)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if fresh {
		fmt.Fprintf(env.Stdout, "creating a demo site of %d synthetic articles in %s\n", *articles, *dir)
		// News runs up to now, so the hub looks current and some events
		// are still to come.
		opt := gen.Options{Articles: *articles, Seed: demoSeed, Until: time.Now().UTC().Truncate(time.Hour)}
		if _, err := generate(ctx, env, *dir, opt); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(env.Stdout, "using the existing demo site in %s\n", *dir)
	}

	env.Site = *dir
	fmt.Fprintf(env.Stdout, "importing %s into %s\n", *dir, redactDSN(env.DSN()))
	if err := runImport(ctx, env, nil); err != nil {
		return err
	}
	exe, _ := os.Executable()
	fmt.Fprintf(env.Stdout, "\nthe demo hub is ready. Try:\n"+
		"  %[2]s --site %[1]s serve             serve the API, feeds and website\n"+
		"  %[2]s --site %[1]s build %[1]s-build   write the static API and website\n"+
		"  %[2]s --site %[1]s export %[1]s-copy   write the records back as files\n", *dir, invokedAs(exe))
	if *noServe {
		return nil
	}
	fmt.Fprintf(env.Stdout, "\nstarting the server (Ctrl-C stops it)\n")
	// Closing the terminal ends the demo, as it did before serve took a
	// SIGHUP for a reload: left running unseen, it would hold its address.
	denv := *env
	denv.hangupEnds = true
	denv.listener = ln
	// Links in the API point at this server (the port it got, for
	// --addr HOST:0) rather than the demo site's made-up address; the demo
	// has no feeds to fetch.
	bound := ln.Addr().String()
	return runServe(ctx, &denv, []string{"--addr", bound, "--base-url", "http://" + bound, "--no-ingest"})
}

// isEmptyDir reports whether dir is absent or holds nothing.
func isEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}

// invokedAs is how to run newshub again as the program at exe was run: a
// program `go run` built lies in a temporary folder of its own
// ("go-build" and digits), and whoever ran it that way may have no
// newshub on their PATH, as the README's first command leaves them.
func invokedAs(exe string) string {
	if goRunBuilt.MatchString(filepath.ToSlash(exe)) {
		return "go run ./cmd/newshub"
	}
	return "newshub"
}

// goRunBuilt matches the path of a program `go run` built.
var goRunBuilt = regexp.MustCompile(`(^|/)go-build[0-9]+/`)
