package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"newshub/internal/store"
)

// RoundsPath is the file, in newshub's own folder of a site, that keeps
// the log of the hub's ingest rounds (store.Round): without it a hub
// moved by export and import told its metrics that no round had ever
// ended (newshub_ingest_last_round_timestamp_seconds 0, which an alert on
// a stalled ingest takes for one stalled since 1970) until a source fell
// due, and its admin area listed no round. Import gives the log to a store
// that logged none, so that a folder exported earlier does not mix its
// rounds into a hub's own.
const RoundsPath = ".newshub/rounds.json"

// loggedRound is what RoundsPath keeps of a store.Round: the summary as
// ingest wrote it, which the store keeps without reading.
type loggedRound struct {
	Started time.Time       `json:"started"`
	Summary json.RawMessage `json:"summary"`
}

// RoundsFile returns the content of RoundsPath for st, or nil when it
// logged no round.
func RoundsFile(ctx context.Context, st store.Store) ([]byte, error) {
	rounds, err := st.Rounds(ctx, store.MaxRounds)
	if err != nil || len(rounds) == 0 {
		return nil, err
	}
	// Oldest first, as they were logged, one a line.
	slices.Reverse(rounds)
	var out bytes.Buffer
	out.WriteString("[\n")
	for i, r := range rounds {
		if !json.Valid(r.Summary) {
			// Not ingest's: kept as text, as the log keeps it.
			s, err := json.Marshal(string(r.Summary))
			if err != nil {
				return nil, err
			}
			r.Summary = s
		}
		line, err := json.Marshal(loggedRound{Started: r.Started.UTC(), Summary: r.Summary})
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out.WriteString(",\n")
		}
		out.Write(line)
	}
	out.WriteString("\n]\n")
	return out.Bytes(), nil
}

// keepRounds gives the store the ingest rounds RoundsPath of the imported
// folder logs, when it holds one and the store logged none. A file that
// does not read is rejected; the records are imported all the same.
func (imp *importer) keepRounds(ctx context.Context) error {
	var rounds []loggedRound
	if !imp.readOwn(RoundsPath, "the log of the ingest rounds", "the rounds are not kept", &rounds) {
		return nil
	}
	logged, err := imp.st.Rounds(ctx, 1)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if len(logged) > 0 {
		return nil
	}
	for _, r := range rounds {
		if r.Started.IsZero() {
			continue
		}
		if err := imp.st.AddRound(ctx, store.Round{Started: r.Started, Summary: r.Summary}); err != nil {
			return fmt.Errorf("import: keep the log of the ingest rounds: %w", err)
		}
	}
	return nil
}
