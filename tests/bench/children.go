package main

// Child processes. To split the allocations of a unary call between the
// client and the server, each side is measured alone in this process while
// the other side runs in a child: the binary re-executes itself with a
// hidden flag (-serve STACK, or -client STACK -addr A -n N). The idle
// memory figures are measured in a fresh child too (-memchild STACK), so
// that nothing an earlier workload left behind is counted. Parent and
// child talk in lines over the child's stdin and stdout.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/tests/bench/stacks"
)

// childFlags are the hidden flags that make this binary a child.
var childFlags = []string{"serve", "client", "memchild", "profchild"}

// isChild reports whether args ask for a child (used by TestMain too, so
// the test binary can stand in for the command).
func isChild(args []string) bool {
	for _, a := range args {
		name := strings.TrimLeft(a, "-")
		name, _, _ = strings.Cut(name, "=")
		for _, c := range childFlags {
			if name == c && strings.HasPrefix(a, "-") {
				return true
			}
		}
	}
	return false
}

type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
}

func spawn(args ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	// A race-enabled binary (the tests) otherwise sleeps a second on exit.
	cmd.Env = append(os.Environ(), "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &child{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}, nil
}

// expect reads lines until one starts with word and returns the rest.
func (c *child) expect(word string) (string, error) {
	for c.out.Scan() {
		if rest, ok := strings.CutPrefix(c.out.Text(), word); ok {
			return strings.TrimSpace(rest), nil
		}
	}
	if err := c.out.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("child %v ended before saying %s", c.cmd.Args[1:], word)
}

func (c *child) say(line string) error {
	_, err := io.WriteString(c.stdin, line+"\n")
	return err
}

// finish closes the child's stdin (the signal to end) and waits for it.
func (c *child) finish() error {
	c.stdin.Close()
	for c.out.Scan() {
	}
	return c.cmd.Wait()
}

// childMain runs the child role o asks for and returns the exit code.
func childMain(o options) int {
	var err error
	switch {
	case o.serve != "":
		err = serveChild(o.serve)
	case o.client != "":
		err = clientChild(o.client, o.addr, o.n)
	case o.memchild != "":
		err = memChild(o.memchild, o.n, o.idleprofile)
	case o.profchild != "":
		err = profChild(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 1
	}
	return 0
}

// serveChild serves until its stdin closes.
func serveChild(stack string) error {
	st, err := stacks.ByName(stack)
	if err != nil {
		return err
	}
	srv, err := st.Serve()
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Println("ADDR", srv.Addr)
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// clientChild warms up, says READY, waits for GO, makes n unary calls and
// says DONE.
func clientChild(stack, addr string, n int) error {
	st, err := stacks.ByName(stack)
	if err != nil {
		return err
	}
	cl, err := st.Dial(addr)
	if err != nil {
		return err
	}
	defer cl.Close()
	call := unaryCaller(cl)
	for range warmCalls(n) {
		if err := call(); err != nil {
			return err
		}
	}
	fmt.Println("READY")
	in := bufio.NewScanner(os.Stdin)
	if !in.Scan() || in.Text() != "GO" {
		return fmt.Errorf("client child: no GO from the parent")
	}
	for range n {
		if err := call(); err != nil {
			return err
		}
	}
	fmt.Println("DONE")
	io.Copy(io.Discard, os.Stdin)
	return nil
}

func warmCalls(n int) int { return min(1000, max(n/10, 10)) }

// unaryCaller makes the unary call whose allocations are counted: 1 B each
// way, one in flight.
func unaryCaller(cl stacks.Client) func() error {
	req := &echopb.EchoRequest{Message: "x"}
	ctx := context.Background()
	return func() error {
		_, err := cl.Unary(ctx, req)
		return err
	}
}

// allocFig is allocations per call.
type allocFig struct{ allocs, bytes float64 }

type memStats = runtime.MemStats

func allocDelta(a, b *memStats, n int) allocFig {
	return allocFig{float64(b.Mallocs-a.Mallocs) / float64(n), float64(b.TotalAlloc-a.TotalAlloc) / float64(n)}
}

// measureAllocs counts what n calls of f allocate in this process.
func measureAllocs(n int, f func() error) (allocFig, error) {
	var a, b memStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	for range n {
		if err := f(); err != nil {
			return allocFig{}, err
		}
	}
	runtime.ReadMemStats(&b)
	return allocDelta(&a, &b, n), nil
}

// allocsBoth: client and server in this process; the figure is both sides
// of a round trip.
func allocsBoth(st stacks.Stack, n int) (allocFig, error) {
	s, err := startSession(st)
	if err != nil {
		return allocFig{}, err
	}
	defer s.close()
	call := unaryCaller(s.cl)
	for range warmCalls(n) {
		if err := call(); err != nil {
			return allocFig{}, err
		}
	}
	return measureAllocs(n, call)
}

// allocsClient: the server is a child process; this process only calls.
func allocsClient(st stacks.Stack, n int) (allocFig, error) {
	c, err := spawn("-serve", st.Name())
	if err != nil {
		return allocFig{}, err
	}
	defer c.finish()
	addr, err := c.expect("ADDR")
	if err != nil {
		return allocFig{}, err
	}
	cl, err := st.Dial(addr)
	if err != nil {
		return allocFig{}, err
	}
	defer cl.Close()
	call := unaryCaller(cl)
	for range warmCalls(n) {
		if err := call(); err != nil {
			return allocFig{}, err
		}
	}
	return measureAllocs(n, call)
}

// allocsServer: the client is a child process; this process only serves.
func allocsServer(st stacks.Stack, n int) (allocFig, error) {
	srv, err := st.Serve()
	if err != nil {
		return allocFig{}, err
	}
	defer srv.Stop()
	c, err := spawn("-client", st.Name(), "-addr", srv.Addr, "-n", fmt.Sprint(n))
	if err != nil {
		return allocFig{}, err
	}
	defer c.finish()
	if _, err := c.expect("READY"); err != nil {
		return allocFig{}, err
	}
	var a, b memStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	if err := c.say("GO"); err != nil {
		return allocFig{}, err
	}
	if _, err := c.expect("DONE"); err != nil {
		return allocFig{}, err
	}
	runtime.ReadMemStats(&b)
	return allocDelta(&a, &b, n), nil
}

// memChild measures idle memory and prints it as JSON; with heapProfile,
// it also writes a heap profile while it holds the idle connections.
func memChild(stack string, n int, heapProfile string) error {
	st, err := stacks.ByName(stack)
	if err != nil {
		return err
	}
	var withConns, withStreams func() error
	if heapProfile != "" {
		runtime.MemProfileRate = 1
		withConns = func() error { return writeHeapProfile(heapProfile) }
		withStreams = func() error { return writeHeapProfile(streamsProfile(heapProfile, ".streams")) }
		beforeStreams = func() error { return writeHeapProfile(streamsProfile(heapProfile, ".streams-base")) }
	}
	m, err := measureIdle(st, n, withConns, withStreams)
	if err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	fmt.Println("MEM", string(b))
	return nil
}

// writeHeapProfile writes the in-use heap profile to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// streamsProfile names the heap profiles taken while the idle streams are
// open (suffix ".streams") and just before they open (".streams-base", the
// -diff_base for it): the -idleprofile name with suffix before its extension.
func streamsProfile(path, suffix string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + suffix + ext
}

// idleMemory in a fresh child process; heapProfile as for memChild.
func idleMemory(st stacks.Stack, n int, heapProfile string) (idleFig, error) {
	args := []string{"-memchild", st.Name(), "-n", fmt.Sprint(n)}
	if heapProfile != "" {
		args = append(args, "-idleprofile", heapProfile)
	}
	c, err := spawn(args...)
	if err != nil {
		return idleFig{}, err
	}
	line, err := c.expect("MEM")
	if werr := c.finish(); err == nil && werr != nil {
		err = werr
	}
	if err != nil {
		return idleFig{}, err
	}
	var m idleFig
	return m, json.Unmarshal([]byte(line), &m)
}
