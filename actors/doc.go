// Package actors is the small runtime every actor in actorpc runs on:
// spawn a goroutine that owns its state, stop it, learn when and why it
// ended, ask it a question bounded by a context, and look at it while it
// runs.
//
// An actor is a function run(ctx) on its own goroutine. ctx is cancelled by
// Stop or by the parent's context ending, so an actor ends when its parent
// does; run's return value is the actor's exit reason.
package actors
