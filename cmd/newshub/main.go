// Command newshub is a topic news hub engine: it ingests feeds, curates
// stories and publishes a JSON API, feeds and a website. See "newshub help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // API times are converted to the site's zone on any machine

	"newshub/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
