package cli

import (
	"github.com/scanfleet/scanfleet/internal/cli/servecli"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/cli/fleetcli"
	"github.com/scanfleet/scanfleet/internal/dbcmd"
)

// addCommands attaches the subcommands implemented outside this package.
func addCommands(root *cobra.Command, e *env) {
	root.AddCommand(dbcmd.NewCommand())
	root.AddCommand(newDemoCmd(e))
	root.AddCommand(newSBOMCmd(e))
	root.AddCommand(servecli.ControllerCmd(&e.Env, e.kube, e.cloud))
	root.AddCommand(servecli.ScannerCmd(&e.Env))
	addHostCommands(root, e)
	fleetcli.AddCommands(root, &e.Env)
}
