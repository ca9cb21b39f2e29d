// Command scanfleet-controller is scanfleet with the controller's
// Kubernetes integration linked in: the scanner Deployment's scaler
// (--kube-deployment), the Lease election (--leader-elect kubernetes) and
// the admission webhook's AdmissionReview codec, and the clouds' libraries
// for registries of kind ecr, gar and acr (package cloudcreds: the AWS SDK,
// Google application default credentials, the Azure AD exchange). Every
// command of scanfleet works the same here; the scanner binary leaves
// these libraries out because they cost each process resident memory
// (client-go alone about 13 MB).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/scanfleet/scanfleet/internal/cli"
	"github.com/scanfleet/scanfleet/internal/cloudcreds"
	"github.com/scanfleet/scanfleet/internal/kubecli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.MainController(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, kubecli.Integration{}, cloudcreds.New(cloudcreds.Options{}))
	stop()
	os.Exit(code)
}
