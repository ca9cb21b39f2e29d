package fleetcli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/vex"
)

// Triage commands (issue #20): exceptions, OpenVEX import and export, the
// audit log, notification subscriptions and running workloads.

func newExceptionCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "exception", Short: "Manage the fleet's vulnerability exceptions (who, why, until when)"}
	cf.addTo(cmd)

	var (
		in     api.ExceptionRequest
		expiry string
	)
	add := &cobra.Command{
		Use:   "add VULNERABILITY --reason TEXT [scope flags]",
		Short: "Except a vulnerability (id or alias) in a scope, with a reason, optionally until a date",
		Example: `  scanfleet exception add CVE-2024-9143 --repository 'team/*' --days 30 --reason "CMS not used; see SEC-123"
  scanfleet exception add GHSA-xxxx-yyyy-zzzz --package lodash --namespace 'dev-*' --expires 2027-01-31 --reason "dev only"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Vulnerability = args[0]
			if strings.TrimSpace(in.Reason) == "" {
				return cmdio.Usagef("--reason is required: say why the finding may be ignored")
			}
			if expiry != "" {
				t, err := parseExpiry(expiry)
				if err != nil {
					return err
				}
				in.Expires = &t
			}
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			ch, err := c.CreateException(cmd.Context(), in)
			if err != nil {
				return Humane(err)
			}
			x := ch.Exception
			fmt.Fprintf(e.Stdout, "exception %s: %s excepted (%s), by %s, %s; %d stored result(s) re-evaluated\n",
				x.ID, x.Vulnerability, scopeText(x.Exception), x.Author, expiryText(x), ch.Reevaluated)
			if ch.ReevaluateError != "" {
				fmt.Fprintf(e.Stderr, "warning: re-evaluation cut short (the controller finishes it): %s\n", ch.ReevaluateError)
			}
			return nil
		},
	}
	fl := add.Flags()
	fl.StringVar(&in.ID, "id", "", "the exception's id (default: generated)")
	fl.StringVar(&in.Reason, "reason", "", "why the finding may be ignored (required)")
	fl.IntVar(&in.Days, "days", 0, "expire this many days from now")
	fl.StringVar(&expiry, "expires", "", "expire at this date (YYYY-MM-DD, UTC midnight) or RFC 3339 time")
	fl.StringSliceVar(&in.Registries, "registry", nil, "registry name or host glob (repeatable)")
	fl.StringSliceVar(&in.Repositories, "repository", nil, "repository glob, e.g. 'team/*' (repeatable)")
	fl.StringSliceVar(&in.Images, "image", nil, "image glob on registry/repository:tag (repeatable)")
	fl.StringSliceVar(&in.Tags, "tag", nil, "tag glob (repeatable)")
	fl.StringSliceVar(&in.Digests, "digest", nil, "image digest (repeatable)")
	fl.StringSliceVar(&in.Packages, "package", nil, "package name glob (repeatable)")
	fl.StringSliceVar(&in.Namespaces, "namespace", nil, "Kubernetes namespace glob; applies to admission decisions only (repeatable)")

	var (
		format      string
		expiredOnly bool
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List the exceptions (expired ones say so)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var filter *bool
			if expiredOnly {
				filter = &expiredOnly
			}
			get := func(c *apiClient, ctx context.Context) ([]api.ExceptionView, error) { return c.Exceptions(ctx, filter) }
			return getAndShow(cmd.Context(), e, &cf, format, get, func(tw io.Writer, xs []api.ExceptionView) {
				fmt.Fprintln(tw, "ID\tVULNERABILITY\tSCOPE\tAUTHOR\tCREATED\tEXPIRES\tREASON")
				for _, x := range xs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.Vulnerability, scopeText(x.Exception), x.Author,
						x.Created.Local().Format(time.DateOnly), expiryText(x), x.Reason)
				}
			})
		},
	}
	list.Flags().StringVar(&format, "format", "table", "table or json")
	list.Flags().BoolVar(&expiredOnly, "expired", false, "only expired exceptions")

	rm := &cobra.Command{
		Use:   "rm ID...",
		Short: "Delete exceptions (their findings count again at once)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			for _, id := range args {
				ch, err := c.DeleteException(cmd.Context(), id)
				if err != nil {
					return Humane(err)
				}
				fmt.Fprintf(e.Stdout, "exception %s deleted; %d stored result(s) re-evaluated\n", id, ch.Reevaluated)
			}
			return nil
		},
	}
	expire := &cobra.Command{
		Use:   "expire ID...",
		Short: "End exceptions now: their findings count again at once; they stay listed as EXPIRED (rm deletes them)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			for _, id := range args {
				ch, err := c.ExpireException(cmd.Context(), id)
				if err != nil {
					return Humane(err)
				}
				x := ch.Exception
				if ch.AlreadyExpired {
					fmt.Fprintf(e.Stdout, "exception %s: %s already; nothing changed\n", id, expiryText(x))
					continue
				}
				fmt.Fprintf(e.Stdout, "exception %s: %s (%s) %s; its findings count again; %d stored result(s) re-evaluated\n",
					id, x.Vulnerability, scopeText(x.Exception), expiryText(x), ch.Reevaluated)
				if ch.ReevaluateError != "" {
					fmt.Fprintf(e.Stderr, "warning: re-evaluation cut short (the controller finishes it): %s\n", ch.ReevaluateError)
				}
			}
			return nil
		},
	}
	cmd.AddCommand(add, list, expire, rm)
	return cmd
}

// parseExpiry reads a date (UTC midnight) or an RFC 3339 time.
func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, cmdio.Usagef("--expires %q: want YYYY-MM-DD or an RFC 3339 time", s)
	}
	return t, nil
}

func scopeText(x api.Exception) string {
	var parts []string
	for _, f := range []struct {
		name string
		v    []string
	}{{"registry", x.Registries}, {"repository", x.Repositories}, {"image", x.Images}, {"tag", x.Tags}, {"digest", x.Digests},
		{"package", x.Packages}, {"namespace", x.Namespaces}} {
		if len(f.v) > 0 {
			parts = append(parts, f.name+"="+strings.Join(f.v, "|"))
		}
	}
	if len(parts) == 0 {
		return "everywhere"
	}
	return strings.Join(parts, " ")
}

func expiryText(x api.ExceptionView) string {
	switch {
	case x.Expires == nil:
		return "never expires"
	case x.Expired:
		return "EXPIRED " + x.Expires.Local().Format(time.DateTime)
	}
	return "expires " + x.Expires.Local().Format(time.DateTime)
}

func newVEXCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "vex", Short: "Import OpenVEX documents as exceptions, or export the exceptions as one"}
	cf.addTo(cmd)
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Turn an OpenVEX document's not_affected and fixed statements into exceptions (authored by your token)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Validated here too, so a bad file fails before any request.
			if _, err := vex.Load(args[0]); err != nil {
				return err
			}
			doc, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			out, err := c.ImportVEX(cmd.Context(), json.RawMessage(doc))
			if err != nil {
				return Humane(err)
			}
			for _, x := range out.Exceptions {
				fmt.Fprintf(e.Stdout, "exception %s: %s (%s)\n", x.ID, x.Vulnerability, scopeText(x))
			}
			for _, s := range out.Skipped {
				fmt.Fprintf(e.Stderr, "skipped statement %d: %s\n", s.Statement, s.Reason)
			}
			fmt.Fprintf(e.Stdout, "%d exception(s) imported, %d statement(s) skipped; %d stored result(s) re-evaluated\n",
				len(out.Exceptions), len(out.Skipped), out.Reevaluated)
			return nil
		},
	}
	var output string
	exp := &cobra.Command{
		Use:   "export",
		Short: "Write what the exceptions suppress in the stored results as one OpenVEX document",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			doc, err := c.ExportVEX(cmd.Context())
			if err != nil {
				return Humane(err)
			}
			if output == "" || output == "-" {
				return writeJSONOut(e.Stdout, doc)
			}
			return os.WriteFile(output, append(doc, '\n'), 0o644) // #nosec G306 -- an exported OpenVEX document the user asked for, made to be shared
		},
	}
	exp.Flags().StringVarP(&output, "output", "o", "", "write to this file (default: standard output)")
	cmd.AddCommand(imp, exp)
	return cmd
}

func newAuditCmd(e *cmdio.Env) *cobra.Command {
	var (
		cf                          clientFlags
		kind, object, actor, format string
		limit                       int
	)
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read the audit log (admin tokens only): who changed which exception, subscription or token, when, from what to what",
		Long: `Read the audit log: who changed which exception, subscription or API token, when,
and the object before and after (--format json).

Only admin tokens read it: it names every token and what each changed.
Reader, scanner and submitter tokens are refused (HTTP 403).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			get := func(c *apiClient, ctx context.Context) ([]api.AuditEntry, error) {
				return c.AuditLog(ctx, kind, object, actor, limit)
			}
			return getAndShow(cmd.Context(), e, &cf, format, get, func(tw io.Writer, es []api.AuditEntry) {
				fmt.Fprintln(tw, "WHEN\tACTOR\tACTION\tKIND\tOBJECT")
				for _, a := range es {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.At.Local().Format(time.DateTime), a.Actor, a.Action, a.Kind, a.Object)
				}
			})
		},
	}
	cf.addTo(cmd)
	fl := cmd.Flags()
	fl.StringVar(&kind, "kind", "", "only this kind of object (exception, subscription, token)")
	fl.StringVar(&object, "object", "", "only this object id")
	fl.StringVar(&actor, "actor", "", "only changes by this actor")
	fl.IntVar(&limit, "limit", 0, "at most this many entries (newest first)")
	fl.StringVar(&format, "format", "table", "table or json")
	return cmd
}

func newSubscriptionCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "subscription", Short: "Manage notification webhooks (signed JSON or Slack)"}
	cf.addTo(cmd)
	var in api.SubscriptionRequest
	add := &cobra.Command{
		Use:   "add URL",
		Short: "Subscribe a webhook; prints the HMAC secret once when none is given",
		Example: `  scanfleet subscription add https://hooks.example/scanfleet --min-severity HIGH
  scanfleet subscription add https://hooks.slack.com/services/T/B/X --format slack --event image.entered_kev`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.URL = args[0]
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			sub, err := c.CreateSubscription(cmd.Context(), in)
			if err != nil {
				return Humane(err)
			}
			fmt.Fprintf(e.Stdout, "subscription %s: %s (%s)\n", sub.ID, sub.URL, sub.Format)
			if sub.Secret != "" {
				fmt.Fprintf(e.Stdout, "secret: %s\n(shown once: receivers check X-Scanfleet-Signature = \"sha256=\" + hex HMAC-SHA256 of the body with it)\n", sub.Secret)
			}
			return nil
		},
	}
	fl := add.Flags()
	fl.StringVar(&in.ID, "id", "", "the subscription's id (default: generated)")
	fl.StringVar(&in.Name, "name", "", "a name to show")
	fl.StringVar(&in.Format, "format", "json", "json (signed scanfleet events) or slack (incoming webhook)")
	fl.StringVar(&in.MinSeverity, "min-severity", "", "only image events with a finding at or above this severity")
	fl.StringSliceVar(&in.Events, "event", nil, "only these event types (repeatable; default all)")
	fl.StringVar(&in.Secret, "secret", "", "HMAC secret (default: generated; prefer the generated one)")

	var format string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the subscriptions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			get := func(c *apiClient, ctx context.Context) ([]api.Subscription, error) { return c.Subscriptions(ctx) }
			return getAndShow(cmd.Context(), e, &cf, format, get, func(tw io.Writer, subs []api.Subscription) {
				fmt.Fprintln(tw, "ID\tFORMAT\tMIN SEVERITY\tEVENTS\tENABLED\tURL")
				for _, s := range subs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%t\t%s\n", s.ID, s.Format, dash(s.MinSeverity), dash(strings.Join(s.Events, ",")), s.Enabled, s.URL)
				}
			})
		},
	}
	list.Flags().StringVar(&format, "format", "table", "table or json")
	rm := &cobra.Command{
		Use:   "rm ID",
		Short: "Delete a subscription",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			return Humane(c.DeleteSubscription(cmd.Context(), args[0]))
		},
	}
	test := &cobra.Command{
		Use:   "test ID",
		Short: "Queue a test post to a subscription",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			d, err := c.TestSubscription(cmd.Context(), args[0])
			if err != nil {
				return Humane(err)
			}
			fmt.Fprintf(e.Stdout, "test event %s queued for %s\n", d.EventID, args[0])
			return nil
		},
	}
	var dformat string
	deliveries := &cobra.Command{
		Use:   "deliveries ID",
		Short: "A subscription's delivery log, newest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			get := func(c *apiClient, ctx context.Context) ([]api.Delivery, error) { return c.Deliveries(ctx, args[0]) }
			return getAndShow(cmd.Context(), e, &cf, dformat, get, func(tw io.Writer, ds []api.Delivery) {
				fmt.Fprintln(tw, "CREATED\tEVENT\tKIND\tSTATE\tATTEMPTS\tSTATUS\tERROR")
				for _, d := range ds {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", d.CreatedAt.Local().Format(time.DateTime), d.EventID, d.Kind, d.State,
						d.Attempts, d.LastStatus, dash(d.LastError))
				}
			})
		},
	}
	deliveries.Flags().StringVar(&dformat, "format", "table", "table or json")
	cmd.AddCommand(add, list, rm, test, deliveries)
	return cmd
}

func newWorkloadsCmd(e *cmdio.Env) *cobra.Command {
	var (
		cf                     clientFlags
		namespace, cve, format string
		notScanned             bool
		pageSize               int
	)
	cmd := &cobra.Command{
		Use:   "workloads",
		Short: "List running workloads (from the cluster's Pods), e.g. those carrying a CVE or running unscanned images",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var scanned *bool
			if notScanned {
				f := false
				scanned = &f
			}
			q := api.WorkloadQuery{Namespace: namespace, CVE: cve, Scanned: scanned}
			get := func(c *apiClient, ctx context.Context) ([]api.RunningWorkload, error) {
				// Every page, to the last: a list cut short would hide
				// running workloads.
				return c.Workloads(ctx, q, pageSize)
			}
			return getAndShow(cmd.Context(), e, &cf, format, get, func(tw io.Writer, ws []api.RunningWorkload) {
				fmt.Fprintln(tw, "NAMESPACE\tWORKLOAD\tPOD\tCONTAINER\tIMAGE\tSCANNED\tVULNS\tCRITICAL\tHIGH")
				for _, w := range ws {
					sc := "no"
					if w.Scanned {
						sc = shortDigest(w.ScannedDigest)
					}
					fmt.Fprintf(tw, "%s\t%s/%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n", w.Namespace, w.WorkloadKind, w.Workload, w.Pod, w.Container, w.Image,
						sc, w.Vulnerabilities, w.Severities["CRITICAL"], w.Severities["HIGH"])
				}
			})
		},
	}
	cf.addTo(cmd)
	fl := cmd.Flags()
	fl.StringVar(&namespace, "namespace", "", "only this namespace")
	fl.StringVar(&cve, "cve", "", "only workloads whose image carries this vulnerability (exceptions apply)")
	fl.BoolVar(&notScanned, "not-scanned", false, "only containers whose image has no stored result")
	fl.StringVar(&format, "format", "table", "table or json")
	fl.IntVar(&pageSize, "page-size", api.MaxWorkloadPage, "containers asked for per request (every page is read)")
	_ = fl.MarkHidden("page-size")
	return cmd
}
