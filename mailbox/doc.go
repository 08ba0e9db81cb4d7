// Package mailbox holds the typed mailboxes actors talk through.
//
// Two kinds, chosen per edge of the message graph:
//
//   - Bounded: a buffered channel. A full mailbox makes the sender wait,
//     which is the back-pressure an edge that points down the graph wants
//     (reader -> connection -> writer).
//   - Spill: a bounded channel whose sender never waits. What does not fit
//     is kept, in order, in a queue the sender owns, and handed over when
//     the receiver asks for it (Flush). Edges that point up the graph use it
//     (connection -> stream), so that no cycle of blocking sends can form;
//     what the spill may hold is bounded by the protocol (a flow-control
//     window), not by the mailbox.
//
// Neither uses a lock: a channel is the only thing two goroutines share.
package mailbox
