package cli

import "context"

// runCurate is a placeholder until the curate command is written.
func runCurate(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("curate")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
