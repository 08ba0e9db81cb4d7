// Command greeter_server serves the Greeter service: gRPC's helloworld
// example, ported from grpc-go by changing its imports, plus -tls.
package main

import (
	"context"
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
	pb "github.com/actorpc/actorpc/examples/helloworld/helloworld"
)

var (
	port     = flag.Int("port", 50051, "The server port (0: any free port)")
	tls      = flag.Bool("tls", false, "Serve TLS instead of plaintext")
	certFile = flag.String("cert_file", "", "The TLS certificate (default: the example's, in examples/data/x509)")
	keyFile  = flag.String("key_file", "", "The TLS key (default: the example's)")
)

// server implements helloworld.GreeterServer.
type server struct {
	pb.UnimplementedGreeterServer
}

// SayHello implements helloworld.GreeterServer.
func (s *server) SayHello(_ context.Context, in *pb.HelloRequest) (*pb.HelloReply, error) {
	log.Printf("Received: %v", in.GetName())
	return &pb.HelloReply{Message: "Hello " + in.GetName()}, nil
}

func main() {
	flag.Parse()
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
	s := grpc.NewServer(opts...)
	pb.RegisterGreeterServer(s, &server{})

	// Finish the calls in flight on SIGINT or SIGTERM.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		s.GracefulStop()
	}()

	log.Printf("server listening at %v", lis.Addr())
	if err := s.Serve(lis); err != nil {
		log.Fatalf("failed to serve: %v", err)
	}
}
