package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/retention"
	"newshub/internal/site"
	"newshub/internal/store"
)

// openHubRetained opens the hub as openHubFor does and reads its
// retention settings.
func (env *Env) openHubRetained(ctx context.Context, use storeUse) (store.Store, *site.Site, retention.Policy, error) {
	st, s, err := env.openHubFor(ctx, use)
	if err != nil {
		return nil, nil, retention.Policy{}, err
	}
	pol, err := retentionPolicy(env, s)
	if err != nil {
		st.Close()
		return nil, nil, retention.Policy{}, err
	}
	return st, s, pol, nil
}

// retentionPolicy reads the hub's retention settings from the site
// folder's _config.yml, the file an editor changes, when there is one (a
// setting that does not parse is an error naming the file and line), else
// from the configuration in the store.
func retentionPolicy(env *Env, s *site.Site) (retention.Policy, error) {
	file := filepath.Join(env.Site, "_config.yml")
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return retention.PolicyOf(s.Config)
	}
	if err != nil {
		return retention.Policy{}, err
	}
	rec, err := content.Parse("_config.yml", data)
	var pe *content.ParseError
	if errors.As(err, &pe) {
		return retention.Policy{}, fmt.Errorf("%s:%d: %s", file, pe.Line, pe.Msg)
	}
	if err != nil {
		return retention.Policy{}, fmt.Errorf("%s: %w", file, err)
	}
	pol, err := retention.PolicyOf(rec.Config)
	if err != nil {
		return retention.Policy{}, fmt.Errorf("%s: %w", file, err)
	}
	return pol, nil
}

// parseNow reads the --now flag: an RFC 3339 time or a day (midnight
// UTC); "" means the clock, read once: a command that runs for minutes
// ranks, splits events and archives as of one instant, its start.
func parseNow(s string) (func() time.Time, error) {
	if s == "" {
		start := time.Now()
		return func() time.Time { return start }, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			return nil, usageError("--now %q: want a time such as 2026-11-01T08:00:00Z or a day 2026-11-01", s)
		}
	}
	return func() time.Time { return t }, nil
}

// printRetention reports what retention did.
func printRetention(w io.Writer, pol retention.Policy, rs retention.Summary) {
	fmt.Fprintf(w, "retention: %d news; %d archived (%d stories", rs.News, rs.Archived, rs.Stories)
	if pol.ArchiveAfter > 0 {
		fmt.Fprintf(w, " older than %s", age(pol.ArchiveAfter))
	}
	fmt.Fprintf(w, "), %d restored, %d purged", rs.Restored, rs.Purged)
	if pol.PurgeAfter > 0 {
		fmt.Fprintf(w, " (unpublished, older than %s; %d keys kept), %d keys let go (dated over %s ago)",
			age(pol.PurgeAfter), rs.Keys, rs.Expired, age(pol.PurgeAfter+retention.TombstoneMargin))
	}
	fmt.Fprintf(w, " in %s\n", rs.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "files:     %d moved, %d removed", rs.Files.Moved, rs.Files.Removed)
	if parts := countsBy(rs.Files.Left, ""); len(parts) > 0 {
		fmt.Fprintf(w, "; left: %s", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	printNames(w, retention.ReasonBothFiles, rs.Files.Both)
	if parts := countsBy(rs.Left, ""); len(parts) > 0 {
		fmt.Fprintf(w, "left:      %s\n", strings.Join(parts, ", "))
	}
	printNames(w, retention.ReasonNameTaken, rs.Taken)
}

// maxNames is how many paths printNames lists.
const maxNames = 10

// printNames lists the paths left for reason, the first maxNames of them:
// they stay at every run until the operator removes one of the two of a
// name, and a count alone does not say where to look.
func printNames(w io.Writer, reason string, paths []string) {
	for i, p := range paths {
		if i == maxNames {
			fmt.Fprintf(w, "           and %d more\n", len(paths)-maxNames)
			break
		}
		fmt.Fprintf(w, "           %s: %s\n", p, reason)
	}
}

// age writes a duration as the settings do: days when whole.
func age(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
