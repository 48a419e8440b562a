package cli

import "context"

// runDemo is a placeholder until the demo command is written.
func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("demo")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
