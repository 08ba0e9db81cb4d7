package resolver

import "strings"

// builders is written only by init functions (Register's contract), so it
// is read afterwards without synchronisation: package initialisation
// happens before main.
var builders = map[string]Builder{}

// Register makes a scheme known (case-insensitive). Call it only from an
// init function; a later registration of the same scheme wins. To use a
// builder for one channel only, pass it to rpc.WithResolvers instead.
func Register(b Builder) { builders[strings.ToLower(b.Scheme())] = b }

// Get returns the builder registered for scheme, or nil.
func Get(scheme string) Builder { return builders[strings.ToLower(scheme)] }
