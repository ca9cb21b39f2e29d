// Package deploy holds no Go code of the product: it is the home of the
// Kubernetes manifests (kubernetes/), the Helm chart (helm/scanfleet/) and
// the tests that check both against a real API server. helmrender/ is a
// separate module that renders the chart with Helm's libraries.
package deploy
