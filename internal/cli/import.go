package cli

import "context"

// runImport is a placeholder until the import command is written.
func runImport(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("import")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
