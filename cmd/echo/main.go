// Command echo is a client and server for the grpc.examples.echo.Echo
// service, built on actorpc. It is a demo, a manual test tool, and the
// binary the end-to-end tests drive.
//
// Usage:
//
//	echo                                  run a server and a client in-process and show every kind of call
//	echo serve [--addr HOST:PORT]          serve until SIGINT or SIGTERM
//	echo call --target TARGET --method unary|server|client|bidi [flags] MESSAGE...
//
// TARGET is any target the client channel accepts: "host:port",
// "dns:///host:port", "dns://server/host:port", "passthrough:///addr",
// "unix:path", "unix:///abs/path" or "static:///addr1,addr2,...";
// --addr is its older name. "echo call" can repeat the call on one channel
// (--count), spread the calls over the target's servers (--lb round_robin)
// and print the response headers (--show-headers).
//
// Flags must come before the MESSAGE arguments: parsing stops at the first
// argument that is not a flag. See echoserver for the request metadata the
// server reacts to (x-echo-*, echo-delay-ms, echo-status, ...).
//
// Exit status: 0 on success, 1 when a call ends with a non-OK status or the
// server fails, 2 on usage errors.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit statuses; 2 for usage errors matches the flag package's convention.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the exit status. It takes the
// output streams as arguments so nothing below it touches os.Stdout.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return runDemo(stdout, stderr)
	}
	switch args[0] {
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "call":
		return runCall(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		printUsage(stdout)
		return exitOK
	default:
		fmt.Fprintf(stderr, "echo: unknown command %q\n", args[0])
		printUsage(stderr)
		return exitUsage
	}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: echo [serve|call] [flags] [MESSAGE...]

  echo                          run an in-process server and client, showing every kind of call
  echo serve [flags]            serve the Echo service until SIGINT or SIGTERM
  echo call [flags] MESSAGE...  call the Echo service at a target and print each response message

Flags go before MESSAGE arguments. Run "echo serve -h" or "echo call -h" for flags.
`)
}
