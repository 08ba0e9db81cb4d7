package resolver

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Target is a parsed channel target, by gRPC's naming spec:
// "scheme://authority/endpoint", "scheme:endpoint", or a bare endpoint
// that takes the default scheme.
type Target struct {
	// Raw is the target as the application wrote it.
	Raw string
	// Scheme picks the resolver, e.g. "dns", "unix", "passthrough".
	Scheme string
	// Authority is what comes between "//" and the next "/" (dns: the DNS
	// server to ask), often empty.
	Authority string
	// Endpoint is the rest: "host:port" for dns and passthrough, a path
	// for unix, a comma-separated list for static.
	Endpoint string
	// URL is the target as parsed (for a bare endpoint, "dns:///"+Raw). It
	// is there for resolvers that need more than Endpoint keeps: Endpoint
	// drops the leading "/" of the path, so only URL tells
	// "unix:relative/path" (URL.Opaque) from "unix:///abs/path" (URL.Path).
	URL url.URL
}

// DefaultScheme is the scheme of a target that names no known scheme, as
// in gRPC's naming spec. Its builder lives in package resolver/dns, which a
// channel must import (or be given with rpc.WithResolvers) to resolve
// bare "host:port" targets.
const DefaultScheme = "dns"

// errEmptyTarget is returned by ParseTarget for "".
var errEmptyTarget = errors.New(`resolver: empty target: want "host:port" or "scheme:///endpoint"`)

// ParseTarget parses raw the way grpc-go's NewClient does, so a target
// string means the same to both stacks. If raw parses as a URL whose
// scheme is non-empty and known, the target is that URL. Otherwise raw is
// taken as an endpoint of DefaultScheme, as if "dns:///"+raw had been
// written: "localhost:50051", "127.0.0.1:80" and "[::1]:80" are dns
// targets (the first parses as scheme "localhost", which is not known).
//
// known says whether a scheme has a resolver for the channel that parses;
// nil means the registry (Get). ParseTarget does not check that the
// default scheme is known: the channel reports a missing builder itself.
func ParseTarget(raw string, known func(scheme string) bool) (Target, error) {
	if raw == "" {
		return Target{}, errEmptyTarget
	}
	if known == nil {
		known = func(scheme string) bool { return Get(scheme) != nil }
	}
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && known(u.Scheme) {
		return targetFromURL(raw, u), nil
	}
	u, err := url.Parse(DefaultScheme + ":///" + raw)
	if err != nil {
		return Target{}, fmt.Errorf("resolver: target %q has no known scheme and is not a valid %s endpoint either (want \"host:port\" or \"scheme:///endpoint\"): %w",
			raw, DefaultScheme, err)
	}
	return targetFromURL(raw, u), nil
}

// targetFromURL fills a Target from its parsed URL. Endpoint is the path
// without its leading "/", or the opaque part of "scheme:endpoint", as in
// grpc-go's Target.Endpoint, so resolvers written for either agree.
func targetFromURL(raw string, u *url.URL) Target {
	endpoint := u.Path
	if endpoint == "" {
		endpoint = u.Opaque
	}
	return Target{
		Raw:       raw,
		Scheme:    u.Scheme,
		Authority: u.Host,
		Endpoint:  strings.TrimPrefix(endpoint, "/"),
		URL:       *u,
	}
}
