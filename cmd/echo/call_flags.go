package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// lbPolicies maps the --lb values to the service config selecting them.
var lbPolicies = map[string]string{
	"pick_first":  `{"loadBalancingConfig":[{"pick_first":{}}]}`,
	"round_robin": `{"loadBalancingConfig":[{"round_robin":{}}]}`,
}

const callUsage = `usage: echo call --target TARGET --method unary|server|client|bidi [flags] MESSAGE...

TARGET is any target the client channel accepts:
  host:port, dns:///host:port, dns://server/host:port   resolved with DNS
  passthrough:///addr                                   dialled as written
  unix:path, unix:///abs/path                           a Unix domain socket
  static:///addr1,addr2,...                             a fixed list of servers
--addr is the older name of --target and works the same.

Flags must come before the MESSAGE arguments. unary and server send the
arguments joined by spaces as one request; client and bidi send each
argument as a request. Each response message is printed on its own line;
with --show-headers, each call's response headers come first, one
"key: value" line per value, keys sorted. --count repeats the call on one
channel, so with --lb round_robin the calls take turns over the servers.
A non-OK status is printed as "CodeName: message" on stderr, exit status 1,
and ends the run.

`

// parseCall parses the flags of "echo call". When ok is false the caller
// exits with code; the problem has been reported on stderr.
func parseCall(args []string, stderr io.Writer) (cfg callConfig, code int, ok bool) {
	fs := flag.NewFlagSet("echo call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var addr string
	fs.StringVar(&cfg.target, "target", "", "the server or servers to call, a `TARGET` as above (required)")
	fs.StringVar(&addr, "addr", "", "`TARGET`, the older name of --target")
	fs.StringVar(&cfg.lb, "lb", "pick_first", "load-balancing `policy` over the target's servers: "+lbNames())
	fs.IntVar(&cfg.count, "count", 1, "make the call `N` times, one after the other, on one channel")
	fs.StringVar(&cfg.method, "method", "", "kind of call: "+methodNames()+" (required)")
	fs.Var(&cfg.headers, "header", "request metadata `key=value`; repeatable; values of keys ending in -bin are sent as raw bytes")
	fs.BoolVar(&cfg.showHeaders, "show-headers", false, "print each call's response headers before its responses")
	fs.DurationVar(&cfg.timeout, "timeout", 0, "deadline for each call, e.g. 500ms; 0 means none")
	fs.BoolVar(&cfg.gzip, "gzip", false, "compress the request messages with gzip")
	fs.StringVar(&cfg.tlsCA, "tls-ca", "", "connect with TLS, trusting the PEM CA certificates in `file`")
	fs.StringVar(&cfg.tlsName, "tls-server-name", "", "the `name` the server's certificate must carry (default: the host of the target; localhost for unix: and static: targets)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), callUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, parseExit(err), false
	}
	cfg.messages = fs.Args()
	problem := targetProblem(fs, &cfg, addr)
	if problem == "" {
		problem = callProblem(cfg)
	}
	if problem != "" {
		fmt.Fprintf(stderr, "echo call: %s\n", problem)
		fs.Usage()
		return cfg, exitUsage, false
	}
	return cfg, exitOK, true
}

// targetProblem folds --addr into cfg.target. Both flags set is refused
// rather than one silently winning: the user meant one of them and only
// they know which.
func targetProblem(fs *flag.FlagSet, cfg *callConfig, addr string) string {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case set["target"] && set["addr"]:
		return "--addr and --target name the same thing (--addr is the older name): give only one"
	case set["addr"]:
		cfg.target = addr
	}
	if cfg.target == "" {
		return "--target is required"
	}
	return ""
}

// callProblem checks the flags other than the target.
func callProblem(cfg callConfig) string {
	switch {
	case cfg.method == "":
		return "--method is required"
	case callers[cfg.method] == nil:
		return fmt.Sprintf("--method %q: want one of %s", cfg.method, methodNames())
	case lbPolicies[cfg.lb] == "":
		return fmt.Sprintf("--lb %q: want one of %s", cfg.lb, lbNames())
	case cfg.count < 1:
		return fmt.Sprintf("--count %d: want 1 or more", cfg.count)
	case cfg.timeout < 0:
		return "--timeout must not be negative"
	case cfg.tlsName != "" && cfg.tlsCA == "":
		return "--tls-server-name needs --tls-ca"
	}
	return ""
}

// methodNames lists the --method values for messages, in a stable order.
func methodNames() string {
	return sortedKeys(callers)
}

// lbNames lists the --lb values for messages, in a stable order.
func lbNames() string {
	return sortedKeys(lbPolicies)
}

func sortedKeys[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
