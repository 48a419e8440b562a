package cli

import "context"

// runCluster is a placeholder until the cluster command is written.
func runCluster(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("cluster")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	return errNotYet
}
