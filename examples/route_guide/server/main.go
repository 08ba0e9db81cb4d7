// Command server serves the RouteGuide service: gRPC's route_guide
// example written for actorpc. It shows each kind of call, and how state
// shared by calls is kept the actorpc way: the notes left by RouteChat
// belong to one goroutine, which the calls ask (notes.go), so no lock is
// needed.
package main

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	grpc "github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"

	"github.com/actorpc/actorpc/examples/data"
	pb "github.com/actorpc/actorpc/examples/route_guide/routeguide"
)

var (
	tls        = flag.Bool("tls", false, "Serve TLS instead of plaintext")
	certFile   = flag.String("cert_file", "", "The TLS certificate (default: the example's, in examples/data/x509)")
	keyFile    = flag.String("key_file", "", "The TLS key (default: the example's)")
	jsonDBFile = flag.String("json_db_file", "", "A JSON file with a list of features (default: the embedded features.json)")
	port       = flag.Int("port", 50051, "The server port (0: any free port)")
)

//go:embed features.json
var defaultFeatures []byte

func main() {
	flag.Parse()
	features, err := loadFeatures(*jsonDBFile)
	if err != nil {
		log.Fatalf("failed to load features: %v", err)
	}
	lis, err := net.Listen("tcp", fmt.Sprintf(":%d", *port))
	if err != nil {
		log.Fatalf("failed to listen: %v", err)
	}
	var opts []grpc.ServerOption
	if *tls {
		if *certFile == "" {
			*certFile = data.Path("x509/server_cert.pem")
		}
		if *keyFile == "" {
			*keyFile = data.Path("x509/server_key.pem")
		}
		creds, err := credentials.NewServerTLSFromFile(*certFile, *keyFile)
		if err != nil {
			log.Fatalf("failed to load the TLS certificate: %v", err)
		}
		opts = append(opts, grpc.Creds(creds))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	notes := startNotesKeeper(ctx)
	s := grpc.NewServer(opts...)
	pb.RegisterRouteGuideServer(s, &routeGuideServer{features: features, notes: notes})
	go func() {
		<-ctx.Done()
		s.GracefulStop() // finish the calls in flight, then Serve returns
	}()

	log.Printf("server listening at %v", lis.Addr())
	if err := s.Serve(lis); err != nil {
		log.Fatalf("failed to serve: %v", err)
	}
}

// loadFeatures reads the feature database: file, or the embedded one.
func loadFeatures(file string) ([]*pb.Feature, error) {
	raw := defaultFeatures
	if file != "" {
		var err error
		if raw, err = os.ReadFile(file); err != nil {
			return nil, err
		}
	}
	var features []*pb.Feature
	if err := json.Unmarshal(raw, &features); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", cmp.Or(file, "features.json"), err)
	}
	return features, nil
}
