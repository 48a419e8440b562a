package cli

import "context"

// runIngest is a placeholder until the ingest command is written.
func runIngest(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("ingest")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
