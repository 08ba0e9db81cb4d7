package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/actorpc/actorpc/cmd/echo/echopb"
	"github.com/actorpc/actorpc/cmd/echo/echoserver"
	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/debug"
	"github.com/actorpc/actorpc/rpc/health"
	healthpb "github.com/actorpc/actorpc/rpc/health/grpc_health_v1"
	"github.com/actorpc/actorpc/rpc/reflection"
)

// runServe implements "echo serve".
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("echo serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:50051", "`HOST:PORT` to listen on; port 0 picks a free port")
	certFile := fs.String("tls-cert", "", "serve TLS with this PEM certificate `file` (needs --tls-key)")
	keyFile := fs.String("tls-key", "", "PEM private key `file` of --tls-cert")
	adminAddr := fs.String("admin-addr", "", "also serve the admin services (channelz, health, reflection) on `HOST:PORT`; off when empty")
	debugAddr := fs.String("debug-addr", "", "serve the live page of the server's actors at http://`HOST:PORT`"+debugPath+" (off when empty)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: echo serve [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE] [--admin-addr HOST:PORT] [--debug-addr HOST:PORT]\n\nServes the echo service, grpc.health.v1.Health and server reflection until\nSIGINT or SIGTERM, then stops gracefully (health says NOT_SERVING from then\non); a second signal stops at once. Prints \"listening on HOST:PORT\" when ready\n(and \"admin listening on HOST:PORT\" with --admin-addr, \"actor page at URL\"\nwith --debug-addr).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "echo serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if (*certFile == "") != (*keyFile == "") {
		fmt.Fprintln(stderr, "echo serve: --tls-cert and --tls-key go together")
		fs.Usage()
		return exitUsage
	}
	var opts []rpc.ServerOption
	if *certFile != "" {
		creds, err := credentials.NewServerTLSFromFile(*certFile, *keyFile)
		if err != nil {
			fmt.Fprintf(stderr, "echo serve: %v\n", err)
			return exitFail
		}
		opts = append(opts, rpc.Creds(creds))
	}
	// Two slots so a second signal is not dropped while the first is
	// being handled.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	if err := serve(*addr, *adminAddr, *debugAddr, opts, signals, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "echo serve: %v\n", err)
		return exitFail
	}
	return exitOK
}

// serve runs an echo server on addr until the first value on signals, then
// stops it gracefully, or at once on a second value (a stuck call must not
// make the process unkillable by ordinary means).
//
// With adminAddr set, the admin services are served there too, until the
// echo server has stopped; with debugAddr, the live actor page.
func serve(addr, adminAddr, debugAddr string, opts []rpc.ServerOption, signals <-chan os.Signal, stdout, stderr io.Writer) (err error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := rpc.NewServer(append(opts, identify(lis.Addr().String())...)...)
	var page *debugPage
	if debugAddr != "" {
		if page, err = serveDebugPage(debugAddr, debug.Server(srv)); err != nil {
			lis.Close()
			srv.Stop()
			return err
		}
		defer func() { err = errors.Join(err, page.Close()) }()
	}
	healthSrv := registerServices(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	// Tests wait for this line, and read the port from it.
	fmt.Fprintf(stdout, "listening on %s\n", lis.Addr())
	if page != nil {
		fmt.Fprintf(stdout, "actor page at %s\n", page.url)
	}
	if adminAddr != "" {
		admin, err := startAdmin(adminAddr, srv, stdout)
		if err != nil {
			srv.Stop()
			<-served
			return err
		}
		defer func() {
			if aerr := admin.stop(); err == nil && aerr != nil {
				err = fmt.Errorf("admin: %w", aerr)
			}
		}()
	}

	select {
	case err := <-served:
		if err == nil {
			err = errors.New("server stopped unexpectedly")
		}
		return fmt.Errorf("serve on %s: %w", lis.Addr(), err)
	case sig := <-signals:
		fmt.Fprintf(stderr, "echo serve: %v: stopping gracefully\n", sig)
	}
	// Watchers learn at once that this backend is going: balancers with
	// health checking stop sending it calls while those in flight finish.
	healthSrv.Shutdown()
	stopped := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case sig := <-signals:
		fmt.Fprintf(stderr, "echo serve: %v: stopping now\n", sig)
		srv.Stop()
		<-stopped
	}
	if err := <-served; err != nil {
		return fmt.Errorf("serve on %s: %w", lis.Addr(), err)
	}
	return nil
}

// registerServices registers the echo service, the health service
// (SERVING for the server and for Echo) and server reflection. Probes
// (grpc_health_probe, Kubernetes) and clients with healthCheckConfig ask
// the health service; grpcurl and other tools list, describe and call the
// server through reflection, without its .proto files.
func registerServices(srv *rpc.Server) *health.Server {
	echoserver.Register(srv)
	healthSrv := health.NewServer()
	healthpb.RegisterHealthServer(srv, healthSrv)
	healthSrv.SetServingStatus(echopb.Echo_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	reflection.Register(srv)
	return healthSrv
}

// parseExit maps a FlagSet.Parse error to an exit status: asking for help
// is not a failure. The flag package has already printed the message.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}
