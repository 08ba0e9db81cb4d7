package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/actorpc/actorpc/rpc/debug"
)

// debugPath is where the live actor page is served.
const debugPath = "/debug/actors"

// debugPage is the live page of the actors of a server and its clients
// (rpc/debug), served on a listener of its own.
type debugPage struct {
	url     string
	page    *debug.Handler
	web     *http.Server
	stopped chan error
}

// serveDebugPage serves the page of roots' actors on addr.
func serveDebugPage(addr string, roots ...debug.Root) (*debugPage, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for the debug page on %s: %w", addr, err)
	}
	p := &debugPage{url: "http://" + lis.Addr().String() + debugPath, page: debug.NewHandler(roots...), stopped: make(chan error, 1)}
	mux := http.NewServeMux()
	mux.Handle(debugPath, p.page)
	p.web = &http.Server{Handler: mux}
	go func() { p.stopped <- p.web.Serve(lis) }()
	return p, nil
}

// Close stops serving the page and its sampler.
func (p *debugPage) Close() error {
	err := p.web.Close()
	if serveErr := <-p.stopped; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	p.page.Close()
	return err
}

// demoPage serves the page of roots' actors on a free loopback port while
// the demo runs, and says where; the func it returns stops it. It costs
// the demo a listener and a parked goroutine: the page inspects nothing
// unless someone opens it. A page that cannot listen is not the demo's
// failure: it is skipped.
func demoPage(w io.Writer, roots ...debug.Root) (stop func()) {
	p, err := serveDebugPage("127.0.0.1:0", roots...)
	if err != nil {
		return func() {}
	}
	fmt.Fprintf(w, "actor page at %s (while the demo runs)\n", p.url)
	return func() { p.Close() }
}
