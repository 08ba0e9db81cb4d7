// Command greeter_client calls the Greeter service once: gRPC's helloworld
// example, ported from grpc-go by changing its imports, plus -tls.
package main

import (
	"context"
	"flag"
	"log"
	"time"

	grpc "github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"

	"github.com/actorpc/actorpc/examples/data"
	pb "github.com/actorpc/actorpc/examples/helloworld/helloworld"
)

const defaultName = "world"

var (
	addr               = flag.String("addr", "localhost:50051", "the address to connect to")
	name               = flag.String("name", defaultName, "Name to greet")
	tls                = flag.Bool("tls", false, "Connect with TLS instead of plaintext")
	caFile             = flag.String("ca_file", "", "The CA certificate to trust (default: the example's, in examples/data/x509)")
	serverHostOverride = flag.String("server_host_override", "x.test.example.com", "The name the server's certificate is checked against")
)

func main() {
	flag.Parse()
	creds := insecure.NewCredentials()
	if *tls {
		if *caFile == "" {
			*caFile = data.Path("x509/ca_cert.pem")
		}
		var err error
		creds, err = credentials.NewClientTLSFromFile(*caFile, *serverHostOverride)
		if err != nil {
			log.Fatalf("failed to load the CA certificate: %v", err)
		}
	}
	// Set up a connection to the server.
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		log.Fatalf("did not connect: %v", err)
	}
	defer conn.Close()
	c := pb.NewGreeterClient(conn)

	// Contact the server and print out its response.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r, err := c.SayHello(ctx, &pb.HelloRequest{Name: *name})
	if err != nil {
		log.Fatalf("could not greet: %v", err)
	}
	log.Printf("Greeting: %s", r.GetMessage())
}
