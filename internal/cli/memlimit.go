package cli

import "runtime/debug"

// softMemoryLimit sets a soft heap limit for a long job unless GOMEMLIMIT
// is set: collecting sooner keeps garbage from doubling the live heap,
// which is what bounds the job's peak memory.
func (env *Env) softMemoryLimit(bytes int64) {
	if env.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(bytes)
	}
}

// curationMemoryLimit returns an ingest.Options.Curating that lowers the
// soft limit to curate while the round's end is curated (see
// fetchMemoryLimit) and sets it back to fetch after; nil when GOMEMLIMIT
// is set, which then holds throughout.
func (env *Env) curationMemoryLimit(fetch, curate int64) func(on bool) {
	if env.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	return func(on bool) {
		if on {
			debug.SetMemoryLimit(curate)
		} else {
			debug.SetMemoryLimit(fetch)
		}
	}
}
