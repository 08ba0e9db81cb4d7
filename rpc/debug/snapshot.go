package debug

import (
	"encoding/json"
	"time"
)

// Snapshot is what the page shows, and what "?format=json" returns.
type Snapshot struct {
	Taken    time.Time `json:"taken"`
	Window   float64   `json:"window_seconds"`   // how far back the rates look
	Interval float64   `json:"interval_seconds"` // how often the sampler inspects
	Live     int       `json:"live"`             // running actors in the trees
	Roots    []Node    `json:"roots"`
	Ended    []Ended   `json:"ended"` // newest first, at most endedRing
}

// Node is one actor and the actors it owns.
type Node struct {
	ID      uint64 `json:"id"` // the sampler's number for it, stable while it lives
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Running bool   `json:"running"`
	State   string `json:"state,omitempty"`
	// Age is how long the actor has lived: from its own tally's start when
	// it keeps one, otherwise since the sampler first saw it, and then
	// AgeAtLeast says it was already there when the sampler began.
	Age        float64  `json:"age_seconds"`
	AgeAtLeast bool     `json:"age_at_least,omitempty"`
	Mailbox    *Mailbox `json:"mailbox,omitempty"` // nil: it declared none
	// In and Out are the actor's own totals; the rates are per second over
	// the window, nil until two samples of them span some time, and all
	// four are absent for an actor that keeps no tally.
	In        *uint64         `json:"in,omitempty"`
	Out       *uint64         `json:"out,omitempty"`
	InRate    *float64        `json:"in_per_sec,omitempty"`
	OutRate   *float64        `json:"out_per_sec,omitempty"`
	Stats     json.RawMessage `json:"stats,omitempty"` // its typed facts (actors.Info.Stats) as JSON
	StatsType string          `json:"stats_type,omitempty"`
	Reason    string          `json:"exit_reason,omitempty"` // listed though it ended
	Children  []Node          `json:"children,omitempty"`
	// More counts the children left out past maxChildren.
	More int `json:"more_children,omitempty"`
}

// Mailbox is how full an actor's mailbox is.
type Mailbox struct {
	Depth    int `json:"depth"`
	Capacity int `json:"capacity"`
}

// Ended is an actor that ended while the page was watched, as last seen.
type Ended struct {
	ID     uint64  `json:"id"`
	Kind   string  `json:"kind"`
	Name   string  `json:"name"`
	Parent string  `json:"parent"`
	Age    float64 `json:"age_seconds"` // its age when last seen running
	// AgeAtLeast: it was there when the watch began (see Node.AgeAtLeast).
	AgeAtLeast bool      `json:"age_at_least,omitempty"`
	At         time.Time `json:"ended"` // when the sampler learnt it had ended
	Reason     string    `json:"exit_reason"`
	In         *uint64   `json:"in,omitempty"`
	Out        *uint64   `json:"out,omitempty"`
}
