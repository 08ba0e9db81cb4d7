package main

import (
	"google.golang.org/grpc/testdata"

	"github.com/actorpc/actorpc/rpc"
	"github.com/actorpc/actorpc/rpc/credentials"
	"github.com/actorpc/actorpc/rpc/credentials/insecure"
)

// transportOptions are the dial options for plaintext or TLS. TLS checks
// the server's certificate against serverName, and trusts the system roots
// or, with --use_test_ca, ca.pem (from grpc-go's testdata, as grpc-go's
// interop client does): the CA of the interop servers' server1.pem.
func transportOptions(useTLS, useTestCA bool, serverName string) ([]rpc.DialOption, error) {
	if !useTLS {
		return []rpc.DialOption{rpc.WithTransportCredentials(insecure.NewCredentials())}, nil
	}
	creds := credentials.NewClientTLSFromCert(nil, serverName)
	if useTestCA {
		var err error
		if creds, err = credentials.NewClientTLSFromFile(testdata.Path("ca.pem"), serverName); err != nil {
			return nil, err
		}
	}
	return []rpc.DialOption{rpc.WithTransportCredentials(creds)}, nil
}
