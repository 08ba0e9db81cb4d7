package balancer

import "strings"

// builders is written only by init functions (Register's contract), so it
// is read afterwards without synchronisation: package initialisation
// happens before main.
var builders = map[string]Builder{}

// Register makes a policy known by its name (case-insensitive). Call it
// only from an init function; a later registration of the same name wins.
func Register(b Builder) { builders[strings.ToLower(b.Name())] = b }

// Get returns the builder registered under name, or nil.
func Get(name string) Builder { return builders[strings.ToLower(name)] }
