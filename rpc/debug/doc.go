// Package debug serves a live page of every actor of a server or a client
// channel: the actor trees that Server.Inspect and ClientConn.Inspect walk
// (servers -> connections -> streams, channels -> resolvers and
// subchannels -> connections -> streams), with, for each actor, its kind,
// state, age, mailbox depth and capacity, the messages it took in and
// handed out per second over the last ten seconds, and its typed facts
// (the flow-control windows of connections and streams, when their probes
// tell them); and the actors that ended recently, with their exit reasons.
//
// Nothing is served unless the user mounts the handler:
//
//	page := debug.NewHandler(debug.Server(srv), cc)
//	defer page.Close()
//	http.Handle("/debug/actors", page)
//
// The page is one HTML file embedded in the binary (no framework, nothing
// fetched from elsewhere) that fetches "?format=json", the same data, once
// a second. It shows what actors say of themselves and never a message's
// payload or a metadata value.
//
// Who counts what: each actor keeps its own tally (actors.Counts: messages
// in and out since it began) and hands a copy with its probe's answer. The
// handler's sampler, an actor of its own, inspects the trees once a second
// while someone watches the page and keeps, per actor, the last ten
// seconds of totals: the rates are its arithmetic. It also keeps the ring
// of ended actors: an actor that its parent no longer lists is watched
// until it ends, and its last facts and its exit reason (actors.Ref.Err)
// go in the ring. So nothing is counted or kept while nobody looks: the
// sampler rests after a while without a request, and an actor that came
// and went meanwhile is not in the ring.
package debug
