package cli

import (
	"bytes"
	"context"
	"io"

	"newshub/internal/explain"
	"newshub/internal/model"
)

// runExplain prints why an article got its topics, story, quality and heat,
// and whether it is published.
func runExplain(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("explain")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one record path or article URL, got %d arguments", fs.NArg())
	}
	st, s, err := env.openHub(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// What it shows comes partly from feeds (titles, GUIDs, reasons), and
	// names feeds by their addresses, masked as the admin area shows them.
	var text bytes.Buffer
	_, err = explain.Run(ctx, &text, st, s, env.Site, fs.Arg(0))
	if _, werr := io.WriteString(terminalText{env.Stdout}, model.MaskURLs(text.String())); werr != nil && err == nil {
		err = werr
	}
	return err
}
