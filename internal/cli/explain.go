package cli

import "context"

// runExplain is a placeholder until the explain command is written.
func runExplain(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("explain")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
