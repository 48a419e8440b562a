package cli

import "context"

// runBuild is a placeholder until the build command is written.
func runBuild(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("build")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
