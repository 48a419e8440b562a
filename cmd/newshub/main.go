// Command newshub is a topic news hub engine: it ingests feeds, curates
// stories and publishes a JSON API, feeds and a website. See "newshub help".
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // API times are converted to the site's zone on any machine

	"newshub/internal/cli"
)

func main() {
	// The environment is checked before anything is read or written: an
	// empty NEWSHUB_DB would have the command make a new hub of its own.
	warnings, err := cli.CheckEnviron(os.Environ())
	for _, w := range warnings {
		fmt.Fprintln(os.Stderr, "newshub: "+w)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "newshub:", err)
		os.Exit(cli.ExitUsage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
