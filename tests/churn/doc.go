// Package churn runs calls of every kind through a TCP proxy that breaks
// every third connection under them (drops, resets, delays, single-byte
// writes, one direction stalled) while the server ages its connections
// out every 100 ms and client keepalive finds the stalled ones. No call
// may hang: every call ends OK with exactly its responses, or UNAVAILABLE
// where the rules in TestCallsSurviveChaos allow, and nothing leaks.
// tests/chaos drives the finer cases (injected GOAWAY, calls queued on a
// dropped connection) with a frame-aware proxy.
package churn
