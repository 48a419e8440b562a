package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"newshub/internal/curate/cluster"
)

// clusterOut is one output line.
type clusterOut struct {
	ID      string   `json:"id"`
	Story   string   `json:"story"`
	Related []string `json:"related,omitempty"`
}

// runCluster clusters JSON-lines articles into stories with the same code
// curate uses, and writes one {"id","story"} line per input line, in order.
func runCluster(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("cluster")
	in := fs.String("in", "", "input `FILE`, one JSON article a line (id, title, optional excerpt, url, provider, domain, publishedDateTime)")
	out := fs.String("out", "", "output `FILE` (default standard output)")
	relatedK := fs.Int("related", 0, "also list up to `K` related article ids per line")
	window := fs.Duration("window", 0, "time window of a story (default 72h)")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return usageError("--in FILE is required")
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if *relatedK < 0 {
		return usageError("--related must be 0 or more")
	}

	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	defer f.Close()
	bad := 0
	members, err := cluster.Lines(ctx, f, cluster.LinesOptions{Window: *window, Related: *relatedK,
		Bad: func(line int, err error) {
			fmt.Fprintf(env.Stderr, "%s:%d: %v\n", *in, line, err)
			bad++
		}})
	if err != nil {
		return fmt.Errorf("cluster: %s: %w", *in, err)
	}

	if *out == "" {
		err = writeMembers(env.Stdout, members)
	} else {
		err = writeMembersTo(*out, members)
	}
	if err != nil {
		return fmt.Errorf("cluster: write: %w", err)
	}
	env.Log.Info("clustered", "articles", len(members), "bad", bad)
	if bad > 0 {
		return errFailed
	}
	return nil
}

// writeMembersTo writes the output lines to a new file at name.
func writeMembersTo(name string, members []cluster.Member) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	err = writeMembers(f, members)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeMembers writes one JSON line per article.
func writeMembers(w io.Writer, members []cluster.Member) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, m := range members {
		if err := enc.Encode(clusterOut{ID: m.ID, Story: m.Story, Related: m.Related}); err != nil {
			return err
		}
	}
	return bw.Flush()
}
