package opentelemetry

// owned holds a value that goroutines take turns to own: it lives in a
// one-slot channel, and whoever has taken it out may read and change it
// until it puts it back. Two goroutines of one call can be told of it at
// once (a stream's sender and its receiver; the attempts of a hedged call),
// and this is how they count together without a lock or an atomic.
type owned[T any] chan T

// newOwned returns an owned holding v.
func newOwned[T any](v T) owned[T] {
	o := make(owned[T], 1)
	o <- v
	return o
}

// take waits for the value and owns it until put.
func (o owned[T]) take() T { return <-o }

// put hands the value back.
func (o owned[T]) put(v T) { o <- v }
