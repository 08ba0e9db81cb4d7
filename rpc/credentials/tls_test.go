package credentials

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alpnMessage is the text every client ALPN failure carries.
const alpnMessage = "server does not support HTTP/2 over TLS (ALPN h2)"

func TestTLSHandshakeSucceeds(t *testing.T) {
	pki := newPKI(t)
	results := make(chan handshakeResult, 1)
	addr := startServer(t, serveCreds(NewServerTLSFromCert(&pki.serverCert), results))

	raw := dial(t, addr)
	conn, info, err := NewClientTLSFromCert(pki.pool, "").ClientHandshake(t.Context(), addr, raw)
	require.NoError(t, err)
	require.IsType(t, TLSInfo{}, info)
	assert.Equal(t, "tls", info.AuthType())
	state := info.(TLSInfo).State
	assert.True(t, state.HandshakeComplete)
	assert.Equal(t, "h2", state.NegotiatedProtocol)
	assert.GreaterOrEqual(t, state.Version, uint16(tls.VersionTLS12))
	require.NotEmpty(t, state.PeerCertificates)
	assert.True(t, state.PeerCertificates[0].Equal(pki.leaf))
	assert.Empty(t, state.ServerName, "no SNI is sent for an IP address")

	// The secured connection carries data both ways.
	_, err = conn.Write([]byte("ping"))
	require.NoError(t, err)
	got := make([]byte, 4)
	_, err = io.ReadFull(conn, got)
	require.NoError(t, err)
	assert.Equal(t, "ping", string(got))

	srv := <-results
	require.NoError(t, srv.err)
	require.IsType(t, TLSInfo{}, srv.info)
	assert.Equal(t, "tls", srv.info.AuthType())
	sstate := srv.info.(TLSInfo).State
	assert.True(t, sstate.HandshakeComplete)
	assert.Equal(t, "h2", sstate.NegotiatedProtocol)
	assert.Empty(t, sstate.ServerName, "no SNI is sent for an IP address")
	require.NoError(t, conn.Close())
}

// TestTLSServerNameFromAuthority shows that, without an override, the
// certificate is checked against the host of the authority: the connection
// goes to 127.0.0.1 either way, but the certificate does not name localhost.
func TestTLSServerNameFromAuthority(t *testing.T) {
	pki := newPKI(t)
	results := make(chan handshakeResult, 1)
	addr := startServer(t, serveCreds(NewServerTLSFromCert(&pki.serverCert), results))
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)

	authority := net.JoinHostPort("localhost", port)
	_, _, err = NewClientTLSFromCert(pki.pool, "").ClientHandshake(t.Context(), authority, dial(t, addr))
	var hostErr x509.HostnameError
	require.ErrorAs(t, err, &hostErr)
	assert.Equal(t, "localhost", hostErr.Host)
	assert.ErrorContains(t, err, "tls handshake with "+authority+": ")
	require.Error(t, (<-results).err)
}

func TestTLSHandshakeTLS12(t *testing.T) {
	pki := newPKI(t)
	results := make(chan handshakeResult, 1)
	addr := startServer(t, serveCreds(NewServerTLSFromCert(&pki.serverCert), results))

	client := NewTLS(&tls.Config{RootCAs: pki.pool, MaxVersion: tls.VersionTLS12})
	_, info, err := client.ClientHandshake(t.Context(), addr, dial(t, addr))
	require.NoError(t, err)
	state := info.(TLSInfo).State
	assert.Equal(t, uint16(tls.VersionTLS12), state.Version)
	assert.Equal(t, "h2", state.NegotiatedProtocol)
	assert.Contains(t, http2CipherSuites(), state.CipherSuite)
	require.NoError(t, (<-results).err)
}

func TestTLSServerNameOverride(t *testing.T) {
	pki := newPKI(t)
	results := make(chan handshakeResult, 1)
	addr := startServer(t, serveCreds(NewServerTLSFromCert(&pki.serverCert), results))

	creds := NewClientTLSFromCert(pki.pool, testServerName)
	assert.Equal(t, ProtocolInfo{SecurityProtocol: "tls", ServerName: testServerName}, creds.Info())
	_, info, err := creds.ClientHandshake(t.Context(), addr, dial(t, addr))
	require.NoError(t, err)
	assert.Equal(t, testServerName, info.(TLSInfo).State.ServerName)

	srv := <-results
	require.NoError(t, srv.err)
	assert.Equal(t, testServerName, srv.info.(TLSInfo).State.ServerName, "the override is sent as SNI")
}

func TestTLSServerNameMismatchFails(t *testing.T) {
	pki := newPKI(t)
	results := make(chan handshakeResult, 1)
	addr := startServer(t, serveCreds(NewServerTLSFromCert(&pki.serverCert), results))

	raw := dial(t, addr)
	conn, info, err := NewClientTLSFromCert(pki.pool, "bar.test.example").ClientHandshake(t.Context(), addr, raw)
	require.Error(t, err)
	assert.Nil(t, conn)
	assert.Nil(t, info)
	var hostErr x509.HostnameError
	assert.ErrorAs(t, err, &hostErr)
	assert.ErrorContains(t, err, "tls handshake with "+addr+": ")
	requireClosed(t, raw)
	require.Error(t, (<-results).err)
}

func TestTLSWrongCAFails(t *testing.T) {
	pki, other := newPKI(t), newPKI(t)
	results := make(chan handshakeResult, 1)
	addr := startServer(t, serveCreds(NewServerTLSFromCert(&pki.serverCert), results))

	raw := dial(t, addr)
	conn, info, err := NewClientTLSFromCert(other.pool, "").ClientHandshake(t.Context(), addr, raw)
	require.Error(t, err)
	assert.Nil(t, conn)
	assert.Nil(t, info)
	var authErr x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &authErr)
	assert.ErrorContains(t, err, "tls handshake with "+addr+": ")
	requireClosed(t, raw)

	srv := <-results
	require.Error(t, srv.err, "the server sees the client reject its certificate")
	assert.Nil(t, srv.conn)
	assert.Contains(t, srv.err.Error(), "tls handshake with ")
}

// TestTLSClientRequiresH2 shows that a TLS server that does not select
// ALPN "h2" is refused, whether it rejects the client's protocols during the
// handshake or completes it without ALPN.
func TestTLSClientRequiresH2(t *testing.T) {
	for _, tc := range []struct {
		name       string
		nextProtos []string
	}{
		{"http1-only server", []string{"http/1.1"}},
		{"server without ALPN", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pki := newPKI(t)
			addr := startServer(t, func(c net.Conn) {
				tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{pki.serverCert}, NextProtos: tc.nextProtos})
				if tc.Handshake() == nil {
					io.Copy(io.Discard, tc)
				}
			})

			raw := dial(t, addr)
			conn, info, err := NewClientTLSFromCert(pki.pool, "").ClientHandshake(t.Context(), addr, raw)
			require.Error(t, err)
			assert.Nil(t, conn)
			assert.Nil(t, info)
			t.Logf("ClientHandshake: %v", err)
			assert.ErrorIs(t, err, errServerNoH2)
			assert.ErrorContains(t, err, "tls handshake with "+addr+": "+alpnMessage)
			requireClosed(t, raw)
		})
	}
}

// TestTLSClientNoPlaintextFallback shows that a server speaking anything
// but TLS fails the client handshake: there is no fallback to plaintext.
func TestTLSClientNoPlaintextFallback(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply string
	}{
		{"h2c server", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00"},
		{"http1 server", "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"},
		{"garbage", "\x00\x01\x02\x03 definitely not TLS \xff\xfe"},
		{"server hangs up", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pki := newPKI(t)
			addr := startServer(t, func(c net.Conn) {
				if tc.reply == "" {
					return
				}
				if _, err := io.WriteString(c, tc.reply); err != nil {
					return
				}
				io.Copy(io.Discard, c)
			})

			raw := dial(t, addr)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			conn, info, err := NewClientTLSFromCert(pki.pool, "").ClientHandshake(ctx, addr, raw)
			require.Error(t, err)
			assert.Nil(t, conn)
			assert.Nil(t, info)
			t.Logf("ClientHandshake: %v", err)
			assert.NotErrorIs(t, err, context.DeadlineExceeded, "must fail at once, not time out")
			assert.ErrorContains(t, err, "tls handshake with "+addr+": ")
			requireClosed(t, raw)
		})
	}
}

// TestTLSClientHandshakeBoundedByContext runs the client handshake against
// a server that accepts and never answers.
func TestTLSClientHandshakeBoundedByContext(t *testing.T) {
	silent := func(c net.Conn) { io.Copy(io.Discard, c) }

	t.Run("deadline", func(t *testing.T) {
		pki := newPKI(t)
		addr := startServer(t, silent)
		raw := dial(t, addr)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		conn, info, err := NewClientTLSFromCert(pki.pool, "").ClientHandshake(ctx, addr, raw)
		assert.Less(t, time.Since(start), 5*time.Second)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorContains(t, err, "tls handshake with "+addr+": ")
		assert.Nil(t, conn)
		assert.Nil(t, info)
		requireClosed(t, raw)
	})

	t.Run("cancel", func(t *testing.T) {
		pki := newPKI(t)
		addr := startServer(t, silent)
		raw := dial(t, addr)
		ctx, cancel := context.WithCancel(t.Context())
		errc := make(chan error, 1)
		go func() {
			_, _, err := NewClientTLSFromCert(pki.pool, "").ClientHandshake(ctx, addr, raw)
			errc <- err
		}()
		time.Sleep(50 * time.Millisecond)
		cancel()
		select {
		case err := <-errc:
			require.ErrorIs(t, err, context.Canceled)
		case <-time.After(5 * time.Second):
			t.Fatal("ClientHandshake did not return after cancellation")
		}
		requireClosed(t, raw)
	})

	t.Run("already cancelled", func(t *testing.T) {
		pki := newPKI(t)
		addr := startServer(t, silent)
		raw := dial(t, addr)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := NewClientTLSFromCert(pki.pool, "").ClientHandshake(ctx, addr, raw)
		require.ErrorIs(t, err, context.Canceled)
		requireClosed(t, raw)
	})
}

// TestTLSServerRequiresH2 shows that the server refuses a TLS client that
// does not negotiate ALPN "h2", closing the connection.
func TestTLSServerRequiresH2(t *testing.T) {
	for _, tc := range []struct {
		name       string
		nextProtos []string
		want       string
	}{
		{"client without ALPN", nil, "client does not support HTTP/2 over TLS (ALPN h2)"},
		{"http1-only client", []string{"http/1.1"}, "client does not support HTTP/2 over TLS (ALPN h2)"},
		{"unknown protocol", []string{"spdy/3"}, "unsupported application protocols"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pki := newPKI(t)
			results := make(chan handshakeResult, 1)
			closed := make(chan error, 1)
			creds := NewServerTLSFromCert(&pki.serverCert)
			addr := startServer(t, func(c net.Conn) {
				conn, info, err := creds.ServerHandshake(c)
				results <- handshakeResult{conn, info, err}
				_, werr := c.Write([]byte("x"))
				closed <- werr
			})

			client := tls.Client(dial(t, addr), &tls.Config{RootCAs: pki.pool, ServerName: testServerName, NextProtos: tc.nextProtos})
			// The client's handshake may complete (TLS 1.3) before the server
			// checks ALPN; either way the server then closes the connection.
			if client.Handshake() == nil {
				io.Copy(io.Discard, client)
			}

			srv := <-results
			require.Error(t, srv.err)
			assert.Nil(t, srv.conn)
			assert.Nil(t, srv.info)
			assert.ErrorContains(t, srv.err, "tls handshake with ")
			t.Logf("ServerHandshake: %v", srv.err)
			assert.ErrorContains(t, srv.err, tc.want)
			if tc.nextProtos == nil || tc.nextProtos[0] == "http/1.1" {
				assert.ErrorIs(t, srv.err, errClientNoH2)
			}
			assert.ErrorIs(t, <-closed, net.ErrClosed, "the server must close the raw connection")
		})
	}
}

func TestTLSServerHandshakeFailureClosesConn(t *testing.T) {
	pki := newPKI(t)
	results := make(chan handshakeResult, 1)
	closed := make(chan error, 1)
	creds := NewServerTLSFromCert(&pki.serverCert)
	addr := startServer(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		conn, info, err := creds.ServerHandshake(c)
		results <- handshakeResult{conn, info, err}
		_, werr := c.Write([]byte("x"))
		closed <- werr
	})

	raw := dial(t, addr)
	_, err := io.WriteString(raw, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
	require.NoError(t, err)

	srv := <-results
	require.Error(t, srv.err)
	assert.Nil(t, srv.conn)
	assert.ErrorContains(t, srv.err, "tls handshake with "+raw.LocalAddr().String()+": ")
	assert.ErrorIs(t, <-closed, net.ErrClosed)
}

// TestTLSConcurrentHandshakes shares one credentials value per side among
// many connections (run with -race).
func TestTLSConcurrentHandshakes(t *testing.T) {
	const n = 8
	pki := newPKI(t)
	results := make(chan handshakeResult, n)
	addr := startServer(t, serveCreds(NewServerTLSFromCert(&pki.serverCert), results))
	client := NewClientTLSFromCert(pki.pool, "")

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		raw := dial(t, addr)
		wg.Go(func() {
			conn, _, err := client.ClientHandshake(t.Context(), addr, raw)
			if err == nil {
				err = conn.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for range n {
		require.NoError(t, (<-results).err)
	}
}

func TestTLSFromFiles(t *testing.T) {
	pki := newPKI(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	caFile := write("ca.pem", pki.caPEM)
	certFile := write("server.pem", pki.certPEM)
	keyFile := write("server.key", pki.keyPEM)

	server, err := NewServerTLSFromFile(certFile, keyFile)
	require.NoError(t, err)
	assert.Equal(t, ProtocolInfo{SecurityProtocol: "tls"}, server.Info())
	client, err := NewClientTLSFromFile(caFile, testServerName)
	require.NoError(t, err)
	assert.Equal(t, ProtocolInfo{SecurityProtocol: "tls", ServerName: testServerName}, client.Info())

	results := make(chan handshakeResult, 1)
	addr := startServer(t, serveCreds(server, results))
	_, info, err := client.ClientHandshake(t.Context(), addr, dial(t, addr))
	require.NoError(t, err)
	assert.Equal(t, "h2", info.(TLSInfo).State.NegotiatedProtocol)
	require.NoError(t, (<-results).err)

	t.Run("errors", func(t *testing.T) {
		_, err := NewClientTLSFromFile(filepath.Join(dir, "missing.pem"), "")
		assert.ErrorIs(t, err, os.ErrNotExist)
		_, err = NewClientTLSFromFile(write("empty.pem", []byte("no certificates here\n")), "")
		assert.ErrorContains(t, err, "no PEM certificates found")
		_, err = NewClientTLSFromFile(keyFile, "")
		assert.ErrorContains(t, err, "no PEM certificates found")

		_, err = NewServerTLSFromFile(filepath.Join(dir, "missing.pem"), keyFile)
		assert.ErrorIs(t, err, os.ErrNotExist)
		_, err = NewServerTLSFromFile(certFile, caFile)
		assert.Error(t, err)
		other := newPKI(t)
		_, err = NewServerTLSFromFile(certFile, write("other.key", other.keyPEM))
		assert.Error(t, err, "key does not match the certificate")
	})
}

func TestNewTLSConfig(t *testing.T) {
	t.Run("nil config", func(t *testing.T) {
		cfg := NewTLS(nil).(*tlsCreds).config
		assert.Equal(t, []string{"h2"}, cfg.NextProtos)
		assert.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
		assert.Equal(t, ProtocolInfo{SecurityProtocol: "tls"}, NewTLS(nil).Info())
	})

	t.Run("clones and leaves the caller's config alone", func(t *testing.T) {
		protos := make([]string, 1, 4)
		protos[0] = "custom"
		orig := &tls.Config{ServerName: "x.example", NextProtos: protos, MinVersion: tls.VersionTLS10}
		cfg := NewTLS(orig).(*tlsCreds).config
		assert.NotSame(t, orig, cfg)
		assert.Equal(t, []string{"custom", "h2"}, cfg.NextProtos)
		assert.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
		assert.Equal(t, "x.example", cfg.ServerName)

		assert.Equal(t, []string{"custom"}, orig.NextProtos)
		assert.Empty(t, protos[:2][1], "the caller's backing array must not be written")
		assert.Equal(t, uint16(tls.VersionTLS10), orig.MinVersion)
		assert.Nil(t, orig.CipherSuites)

		// Later changes to the caller's config do not reach the credentials.
		orig.ServerName = "changed.example"
		assert.Equal(t, "x.example", cfg.ServerName)
	})

	t.Run("h2 already offered", func(t *testing.T) {
		cfg := NewTLS(&tls.Config{NextProtos: []string{"http/1.1", "h2"}}).(*tlsCreds).config
		assert.Equal(t, []string{"http/1.1", "h2"}, cfg.NextProtos)
	})

	t.Run("higher MinVersion kept", func(t *testing.T) {
		cfg := NewTLS(&tls.Config{MinVersion: tls.VersionTLS13}).(*tlsCreds).config
		assert.Equal(t, uint16(tls.VersionTLS13), cfg.MinVersion)
	})

	t.Run("cipher suites", func(t *testing.T) {
		cfg := NewTLS(nil).(*tlsCreds).config
		require.NotEmpty(t, cfg.CipherSuites)
		assert.Equal(t, http2CipherSuites(), cfg.CipherSuites)
		for _, id := range cfg.CipherSuites {
			name := tls.CipherSuiteName(id)
			assert.True(t, strings.HasPrefix(name, "TLS_ECDHE_"), name)
			assert.True(t, strings.Contains(name, "_GCM_") || strings.Contains(name, "CHACHA20_POLY1305"), name)
		}
		explicit := []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}
		cfg = NewTLS(&tls.Config{CipherSuites: explicit}).(*tlsCreds).config
		assert.Equal(t, explicit, cfg.CipherSuites)
	})
}

func TestHostOf(t *testing.T) {
	for authority, want := range map[string]string{
		"foo.test.example:443": "foo.test.example",
		"127.0.0.1:50051":      "127.0.0.1",
		"[::1]:443":            "::1",
		"[fe80::1%eth0]:443":   "fe80::1%eth0",
		"[::1]":                "::1",
		"::1":                  "::1",
		"foo.test.example":     "foo.test.example",
		"foo.test.example:":    "foo.test.example",
		"":                     "",
	} {
		assert.Equal(t, want, hostOf(authority), "hostOf(%q)", authority)
	}
}

func TestIsNoApplicationProtocol(t *testing.T) {
	assert.Equal(t, "tls: no application protocol", noApplicationProtocol)
	assert.False(t, isNoApplicationProtocol(errors.New("tls: no application protocol")))
	assert.False(t, isNoApplicationProtocol(&net.OpError{Op: "read", Err: errors.New(noApplicationProtocol)}))
	assert.True(t, isNoApplicationProtocol(&net.OpError{Op: "remote error", Err: errors.New(noApplicationProtocol)}))
}
