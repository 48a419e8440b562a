package cli

import "context"

// runServe is a placeholder until the serve command is written.
func runServe(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("serve")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
