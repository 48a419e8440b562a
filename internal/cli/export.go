package cli

import "context"

// runExport is a placeholder until the export command is written.
func runExport(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("export")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
