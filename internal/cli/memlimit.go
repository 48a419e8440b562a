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
