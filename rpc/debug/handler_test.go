package debug

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHandlerServesPageAndJSON(t *testing.T) {
	p := newEchoPair(t)
	h := NewHandler(Server(p.srv), p.cc, nil)
	defer h.Close()
	web := httptest.NewServer(h)
	defer web.Close()

	resp, err := http.Get(web.URL + "/debug/actors")
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
	require.Contains(t, string(page), "?format=json")
	require.NotContains(t, string(page), "http://", "the page fetches nothing from elsewhere")
	require.NotContains(t, string(page), "https://")

	resp, err = http.Get(web.URL + "/debug/actors?format=json")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var snap Snapshot
	require.NoError(t, json.Unmarshal(body, &snap))
	require.Len(t, snap.Roots, 2)
	require.NotEmpty(t, find(snap.Roots, "stream"))
	require.NotContains(t, string(body), secretMetadata)
	require.NotContains(t, string(body), secretPayload)

	resp, err = http.Post(web.URL+"/debug/actors", "text/plain", strings.NewReader("x"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestHandlerAfterClose(t *testing.T) {
	p := newEchoPair(t)
	h := NewHandler(Server(p.srv))
	h.Close()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/actors?format=json", nil))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
}
