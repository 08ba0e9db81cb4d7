// Package live keeps the process's open servers and client channels, so
// that channelz lists them all, as grpc-go's does, without each having to
// be handed to it.
//
// The set rests in a one-slot channel between uses (no goroutine, no
// lock): a server or a channel is added as it is made and removed as its
// actor ends, and channelz reads a copy. Each use holds it for a map
// operation or a copy of the list.
package live

import "slices"

// set is the open entities in the order they were added; at is each one's
// index in order.
type set struct {
	order []any
	at    map[any]int
}

// held is the set while nobody uses it.
var held = func() chan *set {
	c := make(chan *set, 1)
	c <- &set{at: map[any]int{}}
	return c
}()

// Add lists x (a *rpc.Server or *rpc.ClientConn) until Remove.
func Add(x any) {
	s := <-held
	if _, ok := s.at[x]; !ok {
		s.at[x] = len(s.order)
		s.order = append(s.order, x)
	}
	held <- s
}

// Remove forgets x.
func Remove(x any) {
	s := <-held
	if i, ok := s.at[x]; ok {
		last := len(s.order) - 1
		s.order[i] = s.order[last]
		s.at[s.order[i]] = i
		s.order[last] = nil
		s.order = s.order[:last]
		delete(s.at, x)
	}
	held <- s
}

// List returns what is open now, a copy the caller owns.
func List() []any {
	s := <-held
	out := slices.Clone(s.order)
	held <- s
	return out
}
