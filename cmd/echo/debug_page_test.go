package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/actorpc/actorpc/rpc/debug"
)

// "echo serve --debug-addr" serves the live actor page and says where.
func TestServeDebugPage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, echoBin, "serve", "--addr", "127.0.0.1:0", "--debug-addr", "127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdout := bufio.NewReader(pipe)
	var lines []string
	for range 2 {
		line, err := stdout.ReadString('\n')
		if err != nil {
			t.Fatalf("echo serve printed %q then %v; stderr:\n%s", lines, err, stderr.String())
		}
		lines = append(lines, strings.TrimSuffix(line, "\n"))
	}
	url, ok := strings.CutPrefix(lines[1], "actor page at ")
	if !strings.HasPrefix(lines[0], "listening on ") || !ok || !strings.HasSuffix(url, "/debug/actors") {
		t.Fatalf("echo serve printed %q, want the address, then the page's URL", lines)
	}

	resp, err := http.Get(url + "?format=json")
	if err != nil {
		t.Fatal(err)
	}
	var snap debug.Snapshot
	err = json.NewDecoder(resp.Body).Decode(&snap)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s?format=json: %d, %v", url, resp.StatusCode, err)
	}
	if len(snap.Roots) != 1 || snap.Roots[0].Kind != "server" || !snap.Roots[0].Running {
		t.Fatalf("the page shows %+v, want the running server", snap.Roots)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("echo serve after SIGTERM: %v; stderr:\n%s", err, stderr.String())
	}
}

// The demo says where its actor page is while it runs.
func TestDemoShowsActorPage(t *testing.T) {
	r := runEcho(t)
	if r.code != 0 || !strings.Contains(r.stdout, "actor page at http://127.0.0.1:") {
		t.Fatalf("got %v, want exit 0 and the actor page's URL", r)
	}
}
