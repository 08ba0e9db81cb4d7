package main

import (
	"google.golang.org/grpc/testdata"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
)

// transportOptions are the server options for plaintext or TLS. TLS uses
// the certificate the interop descriptions name, server1.pem (from
// grpc-go's testdata, as grpc-go's interop server does): it is signed by
// ca.pem, which clients given --use_test_ca trust, and valid for
// *.test.google.fr (clients claim foo.test.google.fr with
// --server_host_override).
func transportOptions(useTLS bool) ([]rpc.ServerOption, error) {
	if !useTLS {
		return nil, nil
	}
	creds, err := credentials.NewServerTLSFromFile(testdata.Path("server1.pem"), testdata.Path("server1.key"))
	if err != nil {
		return nil, err
	}
	return []rpc.ServerOption{rpc.Creds(creds)}, nil
}
