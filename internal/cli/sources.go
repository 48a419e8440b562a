package cli

import "context"

// runSources is a placeholder until the sources command is written.
func runSources(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("sources")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
