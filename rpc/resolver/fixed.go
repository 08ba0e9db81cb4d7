package resolver

// fixedResolver is what the resolvers whose state never changes
// (passthrough, unix, static) return: they push their one state in Build
// and have no goroutine, so there is nothing to redo or to end.
type fixedResolver struct{}

// ResolveNow does nothing: the state cannot have changed, and the channel
// keeps the last state it was given.
func (fixedResolver) ResolveNow() {}

// Close does nothing: there is no goroutine to end.
func (fixedResolver) Close() {}
