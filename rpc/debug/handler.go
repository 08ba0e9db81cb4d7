package debug

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"time"

	"github.com/actorpc/actorpc/actors"
)

//go:embed page.html
var pageHTML []byte

// askTimeout bounds a request's wait for the sampler, which may be busy
// inspecting (at most inspectTimeout).
const askTimeout = 5 * time.Second

// Handler serves the live page of the roots' actors: HTML, or with
// "?format=json" the Snapshot it shows. Mount it where you like (e.g.
// /debug/actors); Close ends its sampler.
type Handler struct {
	s   *sampler
	ref *actors.Ref
}

var _ http.Handler = (*Handler)(nil)

// NewHandler starts the page's sampler for roots (a *rpc.ClientConn, or
// Server(srv); nil roots are skipped). It inspects nothing until the page
// is asked for, and rests again when nobody has asked for a while.
func NewHandler(roots ...Root) *Handler {
	var rs []Root
	for _, r := range roots {
		if r != nil {
			rs = append(rs, r)
		}
	}
	s := newSampler(rs)
	return &Handler{s: s, ref: actors.Spawn(context.Background(), "debug sampler", s.run)}
}

// Close stops the sampler and waits for it; the page then answers 503.
func (h *Handler) Close() {
	h.ref.Stop()
	<-h.ref.Done()
}

// Snapshot is the page's newest data, as "?format=json" returns it.
func (h *Handler) Snapshot(ctx context.Context) (Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, askTimeout)
	defer cancel()
	return actors.Ask(ctx, h.s.asks, h.ref.Done(), func(reply chan<- Snapshot) chan<- Snapshot { return reply })
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("format") == "json" {
		snap, err := h.Snapshot(r.Context())
		if err != nil {
			http.Error(w, "the actor page is not available: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(snap)
		return
	}
	// The page fetches its data from here and nothing from anywhere else.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(pageHTML)
}
