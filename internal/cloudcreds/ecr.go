package cloudcreds

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"

	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/crawl/provider"
)

// ecrHost is a private ECR registry's host: ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html).
var ecrHost = regexp.MustCompile(`^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$`)

// ecrTarget parses the registry URL into account (registry ID) and
// region. Namespace "REGION" overrides the region, for registries reached
// through another name (a proxy, a test).
func ecrTarget(r crawl.Registry) (account, region string, err error) {
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("ecr registry %q: URL does not parse", r.Name)
	}
	if m := ecrHost.FindStringSubmatch(u.Hostname()); m != nil {
		account, region = m[1], m[2]
	}
	if r.Namespace != "" {
		region = r.Namespace
	}
	if region == "" {
		return "", "", fmt.Errorf("ecr registry %q: %s is not ACCOUNT.dkr.ecr.REGION.amazonaws.com; give the region as namespace", r.Name, u.Host)
	}
	return account, region, nil
}

// ecrClient builds an ECR client with the SDK's default credential chain
// (environment, shared config and credentials files, SSO, IRSA web
// identity, ECS task and EC2 instance roles), in the registry's region.
func (s *Source) ecrClient(ctx context.Context, r crawl.Registry) (*ecr.Client, string, error) {
	account, region, err := ecrTarget(r)
	if err != nil {
		return nil, "", err
	}
	// The SDK's own HTTP client (it honours AWS_CA_BUNDLE, which a
	// plain *http.Client would make it refuse).
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, "", fmt.Errorf("ecr registry %q: AWS configuration: %w", r.Name, err)
	}
	cl := ecr.NewFromConfig(cfg, func(o *ecr.Options) {
		if s.opts.ECREndpoint != "" {
			o.BaseEndpoint = aws.String(s.opts.ECREndpoint)
		}
	})
	return cl, account, nil
}

// ecrToken calls GetAuthorizationToken: a base64 "AWS:PASSWORD" valid
// for 12 hours (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html).
func (s *Source) ecrToken(ctx context.Context, r crawl.Registry) (string, string, time.Time, error) {
	cl, _, err := s.ecrClient(ctx, r)
	if err != nil {
		return "", "", time.Time{}, err
	}
	out, err := cl.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return "", "", time.Time{}, awsError(fmt.Sprintf("ecr registry %q: GetAuthorizationToken", r.Name), err, crawl.ErrUnauthorized, crawl.ErrUnreachable)
	}
	if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil || out.AuthorizationData[0].ExpiresAt == nil {
		return "", "", time.Time{}, fmt.Errorf("ecr registry %q: GetAuthorizationToken returned no token and expiry", r.Name)
	}
	ad := out.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(*ad.AuthorizationToken)
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("ecr registry %q: authorization token is not base64", r.Name)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return "", "", time.Time{}, fmt.Errorf("ecr registry %q: authorization token is not USER:PASSWORD", r.Name)
	}
	return user, pass, *ad.ExpiresAt, nil
}

// awsError marks refusals of the credentials and network failures with
// the given sentinels, keeping the SDK's error (which names the
// operation and request ID, never the secret key).
func awsError(what string, err, unauthorized, unreachable error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch c := ae.ErrorCode(); {
		case strings.Contains(c, "AccessDenied"), strings.Contains(c, "Unrecognized"), strings.Contains(c, "InvalidSignature"),
			strings.Contains(c, "ExpiredToken"), strings.Contains(c, "NotAuthorized"), c == "InvalidClientTokenId":
			return fmt.Errorf("%w: %s: %w", unauthorized, what, err)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	var netErr net.Error
	var opErr *net.OpError
	if errors.As(err, &opErr) || errors.As(err, &netErr) {
		return fmt.Errorf("%w: %s: %w", unreachable, what, err)
	}
	if strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "no EC2 IMDS role found") {
		return fmt.Errorf("%w: %s: %w", unauthorized, what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ecrLister lists repositories with DescribeRepositories
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html),
// paged by nextToken. Tags are then read through the registry's v2
// tags/list with the authorization token, like any registry's, so
// ListImages is not needed.
type ecrLister struct {
	cl      *ecr.Client
	account string
	name    string
}

func (s *Source) ecrLister(ctx context.Context, r crawl.Registry) (provider.Lister, error) {
	cl, account, err := s.ecrClient(ctx, r)
	if err != nil {
		return nil, err
	}
	return &ecrLister{cl: cl, account: account, name: r.Name}, nil
}

func (l *ecrLister) Repositories(ctx context.Context, yield func(string) error) error {
	in := &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)}
	if l.account != "" {
		in.RegistryId = aws.String(l.account)
	}
	p := ecr.NewDescribeRepositoriesPaginator(l.cl, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return awsError(fmt.Sprintf("ecr registry %q: DescribeRepositories", l.name), err, provider.ErrUnauthorized, provider.ErrUnreachable)
		}
		for _, repo := range out.Repositories {
			if repo.RepositoryName == nil {
				continue
			}
			if err := yield(*repo.RepositoryName); err != nil {
				return err
			}
		}
	}
	return nil
}
