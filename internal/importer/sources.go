package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"newshub/internal/store"
)

// SourcesPath is the file, in newshub's own folder of a site, that keeps
// what ingest knows of the sources it reads (store.SourceState: the
// validators of a conditional request, the failures counted, a pause, when
// each is due) and the hosts that asked by a Retry-After to be left alone
// until a time: without them a hub moved by export and import would fetch
// every feed at once, unconditionally, a paused one and a host that asked
// to wait too. Import gives the store it imports into the states of the
// sources it holds none of, so that a folder exported earlier does not
// take a hub's states back.
const SourcesPath = ".newshub/sources.json"

// sourcesFile is the content of SourcesPath.
type sourcesFile struct {
	States []sourceState        `json:"states,omitempty"`
	Holds  map[string]time.Time `json:"holds,omitempty"`
}

// sourceState is what SourcesPath keeps of a store.SourceState.
type sourceState struct {
	URL          string           `json:"url"`
	ETag         string           `json:"etag,omitempty"`
	LastModified string           `json:"lastModified,omitempty"`
	LastFetch    time.Time        `json:"lastFetch,omitzero"`
	LastSuccess  time.Time        `json:"lastSuccess,omitzero"`
	LastStatus   string           `json:"lastStatus,omitempty"`
	Items        int              `json:"items,omitempty"`
	Errors       int              `json:"errors,omitempty"`
	NextFetch    time.Time        `json:"nextFetch,omitzero"`
	Interval     string           `json:"interval,omitempty"`
	Paused       bool             `json:"paused,omitempty"`
	LastRead     store.ReadReport `json:"lastRead,omitzero"`
}

// SourcesFile returns the content of SourcesPath for st, or nil when it
// holds no source state and no host's hold. Holds over by now are left out.
func SourcesFile(ctx context.Context, st store.Store, now time.Time) ([]byte, error) {
	states, err := st.SourceStates(ctx)
	if err != nil {
		return nil, err
	}
	holds, err := st.HostHolds(ctx, now)
	if err != nil {
		return nil, err
	}
	if len(states) == 0 && len(holds) == 0 {
		return nil, nil
	}
	var f sourcesFile
	for _, s := range states {
		f.States = append(f.States, sourceState{
			URL: s.URL, ETag: s.ETag, LastModified: s.LastModified,
			LastFetch: s.LastFetch.UTC(), LastSuccess: s.LastSuccess.UTC(), LastStatus: s.LastStatus,
			Items: s.Items, Errors: s.Errors, NextFetch: s.NextFetch.UTC(), Interval: durationText(s.Interval),
			Paused: s.Paused, LastRead: s.LastRead,
		})
	}
	if len(holds) > 0 {
		f.Holds = map[string]time.Time{}
		for h, until := range holds {
			f.Holds[h] = until.UTC()
		}
	}
	data, err := json.MarshalIndent(f, "", "\t")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// keepSources gives the store the source states and hosts' holds
// SourcesPath of the imported folder keeps, when it holds one: the state
// of a source the store holds none of, and every hold not over yet. A file
// that does not read is rejected; the records are imported all the same.
func (imp *importer) keepSources(ctx context.Context) error {
	var f sourcesFile
	if !imp.readOwn(SourcesPath, "what ingest knows of the sources", "they are fetched as new", &f) {
		return nil
	}
	ref := fileRef{rel: SourcesPath, abs: filepath.Join(imp.src, filepath.FromSlash(SourcesPath))}
	held, err := imp.st.SourceStates(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	known := map[string]bool{}
	for _, s := range held {
		known[s.URL] = true
	}
	var states []store.SourceState
	for _, s := range f.States {
		if s.URL == "" || known[s.URL] {
			continue
		}
		var interval time.Duration
		if s.Interval != "" {
			if interval, err = time.ParseDuration(s.Interval); err != nil {
				imp.reject(ref, 1, fmt.Errorf("source %s: interval: %v; it is fetched as new", s.URL, err))
				continue
			}
		}
		states = append(states, store.SourceState{
			URL: s.URL, ETag: s.ETag, LastModified: s.LastModified,
			LastFetch: s.LastFetch, LastSuccess: s.LastSuccess, LastStatus: s.LastStatus,
			Items: s.Items, Errors: s.Errors, NextFetch: s.NextFetch, Interval: interval,
			Paused: s.Paused, LastRead: s.LastRead,
		})
	}
	if len(states) > 0 {
		if err := imp.st.PutSourceState(ctx, states...); err != nil {
			return fmt.Errorf("import: keep the sources' states: %w", err)
		}
	}
	if len(f.Holds) > 0 {
		if err := imp.st.PutHostHolds(ctx, f.Holds, imp.now); err != nil {
			return fmt.Errorf("import: keep the hosts' holds: %w", err)
		}
	}
	return nil
}
