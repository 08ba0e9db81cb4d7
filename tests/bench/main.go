// Command bench runs the same workloads on actorpc and on grpc-go, in one
// run, alternating the two, each as client and server in one process over
// loopback TCP, and prints one table of medians beside the floor a raw TCP
// ping-pong reaches on the same machine.
//
//	go run ./tests/bench                      # everything, ~5.5 min on 2 cores
//	go run ./tests/bench -reps 1 -d 1s        # a quick look
//	go run ./tests/bench -only unary-1B-c64,allocs
//	go run ./tests/bench -only none -cpuprofile cpu.pprof -memprofile mem.pprof
//	go run ./tests/bench -cpu 8               # GOMAXPROCS 8 (on a machine with 8 cores)
//
// Workloads (names for -only and -profile): unary-1B-c1, unary-1B-c64,
// unary-1KiB-c64, pingpong-1B-s1, pingpong-1B-s64, unary-1MiB-c1,
// unary-1MiB-c8, stream-1KiB, unary-1B-c64-tls (a certificate made in the
// process), unary-1KiB-c64-gzip (both stacks' gzip compressor),
// unary-1B-conns100 (100 client connections to one server, one call in
// flight on each), unary-1B-c64-rr4 (round_robin over 4 servers, through
// each stack's own resolver), unary-64MiB-c1 (the message limits raised),
// first-call (a fresh channel's connect and first call, as a latency),
// unary-1B-c1-otel and unary-1B-c64-otel (OpenTelemetry metrics and traces
// on both ends, each stack's own plugin); and the untimed allocs
// (allocations per unary call: both sides in one process, with OTel too,
// then the client alone with the server in a child process, then the
// server alone with the client in a child) and memory (heap and stacks per
// idle connection and per idle open stream, 1000 of each, in a fresh child
// process).
//
// With -cpuprofile or -memprofile, the workload named by -profile (default
// unary-1B-c64) is run again on -profile-stack (default actorpc) in a
// child process that holds nothing else, writing a CPU profile of the
// measured window, or (in another child) the allocation profile. With
// -idleprofile, the memory child of -profile-stack writes a heap profile
// while it holds its idle connections: what each one keeps.
//
// The go-test benchmarks of the same stacks are in tests/bench/gobench.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type options struct {
	reps   int
	d      time.Duration
	warm   time.Duration
	only   string
	stacks string
	allocN int
	memN   int
	cpu    int // GOMAXPROCS for the run; 0 leaves it

	cpuprofile     string
	memprofile     string
	idleprofile    string
	memProfileRate int
	profile        string
	profileStack   string

	// hidden: child roles
	serve, client, addr, memchild, profchild string
	n                                        int
}

var hidden = map[string]bool{"serve": true, "client": true, "addr": true, "memchild": true, "profchild": true, "n": true}

func parseFlags(args []string, errOut io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&o.reps, "reps", 3, "repetitions of every measurement; the table quotes medians")
	fs.DurationVar(&o.d, "d", 2*time.Second, "measured duration of each timed workload")
	fs.DurationVar(&o.warm, "warmup", 500*time.Millisecond, "warm-up before each timed workload")
	fs.StringVar(&o.only, "only", "", "comma-separated workloads to run (default all; 'allocs' and 'memory' included; 'none' for none)")
	fs.StringVar(&o.stacks, "stacks", "grpc-go,actorpc", "stacks to run")
	fs.IntVar(&o.allocN, "allocn", 10000, "unary calls counted for the allocation figures")
	fs.IntVar(&o.cpu, "cpu", 0, "GOMAXPROCS for the run, children included (0: leave it, NumCPU by default)")
	fs.IntVar(&o.memN, "memn", 1000, "idle connections and idle streams opened for the memory figures")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the -profile workload on -profile-stack to this file")
	fs.StringVar(&o.memprofile, "memprofile", "", "write an allocation profile of the -profile workload on -profile-stack to this file")
	fs.StringVar(&o.idleprofile, "idleprofile", "", "write a heap profile (in use) of -profile-stack holding the -memn idle connections to this file (first repetition)")
	fs.IntVar(&o.memProfileRate, "memprofilerate", 4096, "runtime.MemProfileRate for -memprofile")
	fs.StringVar(&o.profile, "profile", "unary-1B-c64", "workload to profile")
	fs.StringVar(&o.profileStack, "profile-stack", "actorpc", "stack to profile")
	fs.StringVar(&o.serve, "serve", "", "(internal) serve STACK until stdin closes")
	fs.StringVar(&o.client, "client", "", "(internal) client STACK for the server-side allocation figure")
	fs.StringVar(&o.addr, "addr", "", "(internal) server address for -client")
	fs.StringVar(&o.memchild, "memchild", "", "(internal) measure idle memory of STACK")
	fs.StringVar(&o.profchild, "profchild", "", "(internal) profile this workload")
	fs.IntVar(&o.n, "n", 1000, "(internal) calls or connections for a child")
	fs.Usage = func() {
		fmt.Fprintf(errOut, "usage: go run ./tests/bench [flags]\n\n")
		fs.VisitAll(func(f *flag.Flag) {
			if hidden[f.Name] {
				return
			}
			def := ""
			if f.DefValue != "" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(errOut, "  -%-15s %s%s\n", f.Name, f.Usage, def)
		})
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.reps < 1 || o.d <= 0 || o.warm < 0 || o.allocN < 1 || o.memN < 1 || o.cpu < 0 {
		return o, fmt.Errorf("-reps, -d, -allocn and -memn must be positive, -warmup and -cpu not negative")
	}
	return o, nil
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the command; it returns the exit code.
func run(args []string, out, errOut io.Writer) int {
	o, err := parseFlags(args, errOut)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintln(errOut, "bench:", err)
		return 2
	}
	if isChild(args) {
		return childMain(o)
	}
	if o.cpu > 0 {
		// The environment carries it to the child processes (allocation,
		// memory and profile figures).
		runtime.GOMAXPROCS(o.cpu)
		if err := os.Setenv("GOMAXPROCS", strconv.Itoa(o.cpu)); err != nil {
			fmt.Fprintln(errOut, "bench: -cpu:", err)
			return 2
		}
	}
	plan, err := makePlan(o)
	if err != nil {
		fmt.Fprintln(errOut, "bench:", err)
		return 2
	}
	failed := plan.run(errOut)
	if len(plan.rows) > 0 {
		plan.print(out)
	}
	if o.cpuprofile != "" || o.memprofile != "" {
		if err := profile(o, errOut); err != nil {
			fmt.Fprintln(errOut, "bench: profile:", err)
			failed = true
		}
	}
	if failed {
		return 1
	}
	return 0
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
