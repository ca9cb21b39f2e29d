package cli

import (
	"github.com/scanfleet/scanfleet/internal/cli/fleetcli"

	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/report"
)

// defaultJoinPort is the controller's default port, used when
// CLUSTER_JOIN_ADDR names a host and CLUSTER_JOIN_PORT is unset.
const defaultJoinPort = "8480"

// submitFlags say where a standalone scan sends its report: flags, else
// NeuVector's CLUSTER_JOIN_ADDR/CLUSTER_JOIN_PORT/CLUSTER_ADVERTISED_ADDR.
// Nothing set means the report stays local.
type submitFlags struct {
	controller string
	token      string
	caCert     string
	name       string
	refs       []string
}

// bind declares the flags; image scans also take --controller-ref.
func (s *submitFlags) bind(fl *pflag.FlagSet, image bool) {
	fl.StringVar(&s.controller, "controller", "", "also send the report to this controller, http(s)://host[:port] (env CLUSTER_JOIN_ADDR, CLUSTER_JOIN_PORT)")
	// The token never becomes a flag default: help output would print it.
	fl.StringVar(&s.token, "controller-token", "", "submitter (or scanner or admin) API token for --controller (prefer env SCANFLEET_TOKEN)")
	fl.StringVar(&s.caCert, "controller-ca", "", "PEM CA bundle to trust for the controller's TLS (env SCANFLEET_CONTROLLER_CA)")
	if image {
		fl.StringArrayVar(&s.refs, "controller-ref", nil, "registry reference the image is deployed as, e.g. REGISTRY/REPO:TAG (repeatable; default: the scanned reference)")
		fl.StringVar(&s.name, "controller-name", "", "this scanner's name in the controller (env CLUSTER_ADVERTISED_ADDR, default the hostname)")
	} else {
		fl.StringVar(&s.name, "controller-name", "", "the host's name in the controller (env CLUSTER_ADVERTISED_ADDR, default the hostname in the report)")
	}
}

// submitTarget is a resolved destination.
type submitTarget struct {
	url, token, caCert string
	// name is --controller-name or CLUSTER_ADVERTISED_ADDR ("" if
	// neither); sender is name or, failing it, this machine's hostname.
	name, sender string
}

// resolve turns flags and environment into a target; nil means "do not
// send". CLUSTER_JOIN_ADDR without a scheme means HTTPS (a controller
// doing admission control serves TLS); write http://HOST to send in the
// clear.
func (s *submitFlags) resolve(getenv func(string) string) (*submitTarget, error) {
	t := &submitTarget{url: s.controller, token: s.token, caCert: s.caCert, name: s.name}
	if t.url == "" {
		addr := strings.TrimSpace(getenv("CLUSTER_JOIN_ADDR"))
		if addr == "" {
			return nil, nil
		}
		u, err := joinURL(addr, strings.TrimSpace(getenv("CLUSTER_JOIN_PORT")))
		if err != nil {
			return nil, err
		}
		t.url = u
	}
	if t.token == "" {
		t.token = getenv("SCANFLEET_TOKEN")
	}
	if t.token == "" {
		return nil, usagef("sending results to %s needs a scanner token: --controller-token or SCANFLEET_TOKEN", t.url)
	}
	if t.caCert == "" {
		t.caCert = getenv("SCANFLEET_CONTROLLER_CA")
	}
	if t.name == "" {
		t.name = strings.TrimSpace(getenv("CLUSTER_ADVERTISED_ADDR"))
	}
	t.sender = t.name
	if t.sender == "" {
		t.sender, _ = os.Hostname()
	}
	return t, nil
}

// joinURL builds the controller URL from CLUSTER_JOIN_ADDR (a host, an IP
// or a URL) and CLUSTER_JOIN_PORT.
func joinURL(addr, port string) (string, error) {
	if port != "" {
		if n, err := net.LookupPort("tcp", port); err != nil || n <= 0 {
			return "", usagef("CLUSTER_JOIN_PORT %q is not a port", port)
		}
	}
	if strings.Contains(addr, "://") {
		u, err := url.Parse(addr)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", usagef("CLUSTER_JOIN_ADDR %q: want a host or http(s)://host[:port]", addr)
		}
		if port != "" && u.Port() == "" {
			u.Host = net.JoinHostPort(u.Hostname(), port)
		}
		return strings.TrimRight(u.String(), "/"), nil
	}
	host := addr
	if h, p, err := net.SplitHostPort(addr); err == nil {
		// host:port; the port written with the host wins, as in a URL.
		host, port = h, p
		if n, err := net.LookupPort("tcp", port); err != nil || n <= 0 {
			return "", usagef("CLUSTER_JOIN_ADDR %q: bad port", addr)
		}
	}
	host = strings.Trim(host, "[]")
	if host == "" || strings.ContainsAny(host, "/?#@ []") {
		return "", usagef("CLUSTER_JOIN_ADDR %q: want a host or http(s)://host[:port]", addr)
	}
	if port == "" {
		port = defaultJoinPort
	}
	out := "https://" + net.JoinHostPort(host, port)
	// Whatever passed the checks above must still read back as this host.
	if u, err := url.Parse(out); err != nil || u.Hostname() != host {
		return "", usagef("CLUSTER_JOIN_ADDR %q: want a host or http(s)://host[:port]", addr)
	}
	return out, nil
}

// check validates the destination before a scan, so that a missing token
// or a packages-only scan is refused before anything is pulled.
func (s *submitFlags) check(getenv func(string) string, skipDB bool) error {
	t, err := s.resolve(getenv)
	if err != nil || t == nil {
		return err
	}
	if skipDB {
		return usagef("--skip-db reports have no findings and cannot be sent to %s for admission control", t.url)
	}
	return nil
}

// submit sends the report (before any --severity filtering: admission
// rules need every finding) to the controller, when one is configured.
// index is the image index's digest when rep is one platform of it ("":
// an image of its own), so the controller stores the result as that
// index's platform, as a crawl would.
func (s *submitFlags) submit(ctx context.Context, e *env, rep *report.Report, skipDB, quiet bool, index string) error {
	t, err := s.resolve(e.Getenv)
	if err != nil || t == nil {
		return err
	}
	if skipDB || rep.DB == nil {
		// A packages-only report would look like an image without
		// findings and let it through admission control.
		return fmt.Errorf("not sending the report to %s: it was not matched against a vulnerability database", t.url)
	}
	c, err := fleetcli.NewClient(t.url, t.token, t.caCert, &e.Env)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encoding report: %w", err)
	}
	in := api.SubmitRequest{Report: raw, Scanner: t.sender}
	if rep.Image != nil {
		in.References = s.refs
		if index != "" {
			in.IndexDigest, in.Platform = index, rep.Image.Platform
		}
	} else {
		// From a container the hostname is the container's: the
		// controller defaults to the one the scanned root gives.
		in.Name = t.name
	}
	out, err := c.Submit(ctx, in)
	if err != nil {
		return fmt.Errorf("sending the report: %w", fleetcli.Humane(err))
	}
	if !quiet {
		switch out.Kind {
		case "host":
			fmt.Fprintf(e.Stderr, "report sent to %s: host %s\n", t.url, out.Host)
		default:
			for _, im := range out.Images {
				tags := ""
				if len(im.Tags) > 0 {
					tags = " (tags " + strings.Join(im.Tags, ", ") + ")"
				}
				fmt.Fprintf(e.Stderr, "report sent to %s: %s/%s@%s%s\n", t.url, im.Registry, im.Repository, im.Digest, tags)
			}
		}
	}
	return nil
}
