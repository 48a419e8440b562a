package cli

import "context"

// runGen is a placeholder until the gen command is written.
func runGen(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("gen")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
