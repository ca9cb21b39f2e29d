package fleetcli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
)

// newTokenCmd is `scanfleet token`: named, expiring, revocable API tokens
// through the controller's API (issue #20). `scanfleet controller token
// create` makes the first admin token with direct access to the store.
func newTokenCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "token", Short: "Manage the controller's API tokens: create (named, expiring), list, revoke"}
	cf.addTo(cmd)

	var (
		in      api.TokenRequest
		expires string
		quiet   bool
	)
	create := &cobra.Command{
		Use:   "create --name NAME --role ROLE [--expires 30d]",
		Short: "Create a token and print its secret (shown this once; admin only)",
		Example: `  scanfleet token create --name ci-pipeline --role submitter --expires 90d
  scanfleet token create --name alice --role admin --expires 2027-01-31`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in.Name == "" {
				return cmdio.Usagef("--name is required: it names the token in listings, the audit log and as the author of exceptions")
			}
			if expires != "" {
				if _, err := api.ParseExpiresIn(expires); err == nil {
					in.ExpiresIn = expires
				} else {
					t, perr := parseExpiry(expires)
					if perr != nil {
						return cmdio.Usagef("--expires %q: want a lifetime (30d, 12h) or a date (YYYY-MM-DD, RFC 3339)", expires)
					}
					in.ExpiresAt = &t
				}
			}
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			tk, err := c.CreateToken(cmd.Context(), in)
			if err != nil {
				return Humane(err)
			}
			if quiet {
				fmt.Fprintln(e.Stdout, tk.Secret)
				return nil
			}
			fmt.Fprintf(e.Stderr, "token %s (%s, %s) created; its secret is shown only now:\n", tk.Name, tk.Role, tokenExpiry(tk.Token, time.Now()))
			fmt.Fprintln(e.Stdout, tk.Secret)
			return nil
		},
	}
	create.Flags().StringVar(&in.Name, "name", "", "the token's unique name (letters, digits, '.', '_', '@', '-')")
	create.Flags().StringVar((*string)(&in.Role), "role", string(api.RoleReader), "admin, scanner, submitter or reader")
	create.Flags().StringVar(&expires, "expires", "", "lifetime (30d, 12h) or expiry date (YYYY-MM-DD, UTC midnight, or RFC 3339); default: never")
	create.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the secret")

	var format string
	list := &cobra.Command{
		Use:   "list",
		Short: "List tokens (an admin sees all, others their own); never secrets",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			get := func(c *apiClient, ctx context.Context) ([]api.Token, error) { return c.Tokens(ctx) }
			return getAndShow(cmd.Context(), e, &cf, format, get, func(tw io.Writer, ts []api.Token) {
				now := time.Now()
				fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED\tBY\tLAST USED")
				for _, t := range ts {
					used := "never"
					if t.LastUsed != nil {
						used = t.LastUsed.Local().Format(time.DateTime)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, tokenExpiry(t, now),
						t.CreatedAt.Local().Format(time.DateOnly), t.CreatedBy, used)
				}
			})
		},
	}
	list.Flags().StringVar(&format, "format", "table", "table or json")

	revoke := &cobra.Command{
		Use:   "revoke NAME...",
		Short: "Revoke tokens: refused at once by every controller (admin only)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			for _, name := range args {
				t, err := c.RevokeToken(cmd.Context(), name)
				if err != nil {
					return Humane(err)
				}
				fmt.Fprintf(e.Stdout, "token %s revoked (by %s at %s)\n", t.Name, t.RevokedBy, t.RevokedAt.Local().Format(time.DateTime))
			}
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// tokenExpiry says whether a token works and until when.
func tokenExpiry(t api.Token, now time.Time) string {
	switch {
	case t.Revoked:
		return "REVOKED " + t.RevokedAt.Local().Format(time.DateTime) + " by " + t.RevokedBy
	case t.ExpiresAt == nil:
		return "never expires"
	case t.Expired(now):
		return "EXPIRED " + t.ExpiresAt.Local().Format(time.DateTime)
	}
	return "expires " + t.ExpiresAt.Local().Format(time.DateTime)
}
