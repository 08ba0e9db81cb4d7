package debug

import "strings"

// kindOf names an actor's kind from the name it was spawned with (see the
// README's actor map): a kind costs an actor nothing to carry.
func kindOf(name string) string {
	switch {
	case name == "server":
		return "server"
	case strings.HasPrefix(name, "channel/"):
		return "channel"
	case strings.HasPrefix(name, "subchannel/"):
		return "subchannel"
	case strings.HasPrefix(name, "conn/") && strings.HasSuffix(name, "/reader"):
		return "reader"
	case strings.HasPrefix(name, "conn/") && strings.HasSuffix(name, "/writer"):
		return "writer"
	case strings.HasPrefix(name, "conn/"):
		return "connection"
	case name == "handler", strings.HasPrefix(name, "stream/"):
		return "stream" // a server call's handler, a client's streaming call
	case strings.Contains(name, "resolver"):
		return "resolver"
	case strings.HasPrefix(name, "health-watch/"):
		return "health watch"
	}
	if i := strings.IndexAny(name, "/ "); i > 0 {
		return name[:i]
	}
	return name
}

// kindOrder lists a parent's children in a fixed order: its resolver,
// subchannels, connections, then each connection's reader and writer
// before its streams.
var kindOrder = map[string]int{
	"resolver": 0, "subchannel": 1, "connection": 2, "reader": 3, "writer": 4, "stream": 5, "health watch": 6,
}

func kindRank(kind string) int {
	if r, ok := kindOrder[kind]; ok {
		return r
	}
	return len(kindOrder)
}
