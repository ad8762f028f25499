// Package webapp serves the embedded web app at /app/ and the GraphiQL
// playground at /. Every page is same-origin only: its Content Security
// Policy allows scripts, styles, fonts and connections from this origin
// alone, so neither page loads anything from elsewhere and both work
// offline.
package webapp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/interestgraph/interestgraph/web"
)

// CSP is the policy of every page served here. GraphiQL and Cytoscape
// set inline styles from script, hence 'unsafe-inline' for styles only;
// GraphiQL's fonts and icons are data: URLs in its stylesheet. connect-src
// 'self' covers ws: and wss: to this origin (CSP Level 3).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Mount registers the app (GET /app/...) and the playground (GET /) on mux.
func Mount(mux *http.ServeMux) {
	h := New(web.Dist)
	mux.Handle("GET /app/", h)
	mux.Handle("GET /{$}", h.Playground())
}

// Handler serves one built dist/ tree.
type Handler struct {
	files fs.FS
	etags map[string]string // of the HTML pages, which are not content-hashed
}

// New serves dist, the embedded build output with dist/ at its root.
func New(dist fs.FS) *Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // fs.Sub fails only on an invalid literal path
	}
	h := &Handler{files: sub, etags: map[string]string{}}
	for _, page := range []string{"index.html", "playground.html"} {
		if b, err := fs.ReadFile(sub, page); err == nil {
			sum := sha256.Sum256(b)
			h.etags[page] = `"` + hex.EncodeToString(sum[:8]) + `"`
		}
	}
	return h
}

// ServeHTTP serves /app/ (the app) and the files under it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/app")
	name = strings.TrimPrefix(name, "/")
	if name == "" {
		name = "index.html"
	}
	h.serve(w, r, name)
}

// Playground serves GraphiQL's page.
func (h *Handler) Playground() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.serve(w, r, "playground.html")
	})
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, name string) {
	b, err := fs.ReadFile(h.files, name)
	if err != nil {
		code := http.StatusNotFound
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrInvalid) {
			code = http.StatusInternalServerError // a directory, or a broken build
			if isDir(h.files, name) {
				code = http.StatusNotFound // no listings
			}
		}
		http.Error(w, http.StatusText(code), code)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", CSP)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if strings.HasPrefix(name, "assets/") {
		// Vite puts a content hash in every asset's name: a changed
		// asset is a new URL, so an old one never needs revalidating.
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// Pages name the current assets: always revalidate (cheap, ETag).
		hdr.Set("Cache-Control", "no-cache")
		hdr.Set("ETag", h.etags[name])
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func isDir(files fs.FS, name string) bool {
	st, err := fs.Stat(files, name)
	return err == nil && st.IsDir()
}
