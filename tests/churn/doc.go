// Package chaos runs calls of every kind through a TCP proxy that breaks
// the connections under them (drops, resets, delays, single-byte writes,
// one direction stalled) and checks that every call ends, with the right
// responses or a status the fault explains, and that nothing leaks.
package chaos
