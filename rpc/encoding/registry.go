package encoding

import "strings"

// registry maps lower-cased codec names to codecs. It is a plain map with no
// lock: it is only written by RegisterCodec, which must be called from init
// functions, and Go runs all init functions sequentially before main and
// before any goroutine the program starts, so later concurrent reads are safe
// (the same contract as grpc-go's encoding registry).
var registry = map[string]Codec{}

// RegisterCodec makes codec available under strings.ToLower(codec.Name()),
// replacing any codec previously registered under that name.
//
// It must only be called from an init function: the registry is not
// synchronized, so registering while RPCs are running is a data race. It
// panics if codec is nil or its name is empty, since either would be a
// programming error that is better caught at start-up.
func RegisterCodec(codec Codec) {
	if codec == nil {
		panic("encoding: cannot register a nil Codec")
	}
	name := codec.Name()
	if name == "" {
		panic("encoding: cannot register a Codec with an empty Name()")
	}
	registry[strings.ToLower(name)] = codec
}

// GetCodec returns the codec registered under name, or nil if there is none.
// name is the content-subtype from the peer's content-type and is matched
// exactly, so callers should lower-case it first (grpc-go does the same).
func GetCodec(name string) Codec {
	return registry[name]
}
