package cli

import "context"

// runInit is a placeholder until the init command is written.
func runInit(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("init")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
