#!/bin/sh
# Makes the example CA and the server certificate the examples use with
# -tls (valid for *.test.example.com, localhost and 127.0.0.1, 20 years).
# Run it here to replace them; the keys are for examples only.
set -eu
cat > server.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[ext]
subjectAltName = DNS:*.test.example.com, DNS:localhost, IP:127.0.0.1, IP:::1
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
CNF
openssl req -x509 -newkey rsa:2048 -nodes -days 7300 -subj "/CN=actorpc example CA" \
	-keyout ca_key.pem -out ca_cert.pem
openssl req -newkey rsa:2048 -nodes -subj "/CN=*.test.example.com" \
	-keyout server_key.pem -out server.csr -config server.cnf
openssl x509 -req -in server.csr -CA ca_cert.pem -CAkey ca_key.pem -CAcreateserial \
	-days 7300 -extfile server.cnf -extensions ext -out server_cert.pem
rm -f server.csr server.cnf ca_cert.srl
