package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// envReader reads typed variables with defaults, collecting every error
// instead of stopping at the first, so one start names all bad settings.
type envReader struct {
	get  func(string) string
	errs []error
}

func (e *envReader) str(k, def string) string {
	if v := strings.TrimSpace(e.get(k)); v != "" {
		return v
	}
	return def
}

func (e *envReader) num(k string, def int) int {
	v := e.get(k)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %q is not a whole number", k, v))
	}
	return n
}

func (e *envReader) dur(k string, def time.Duration) time.Duration {
	v := e.get(k)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %q is not a duration (e.g. 5s, 15m)", k, v))
	}
	return d
}

func (e *envReader) boolean(k string, def bool) bool {
	v := e.get(k)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s: %q is not true or false", k, v))
	}
	return b
}

func (e *envReader) list(k string) []string {
	var out []string
	for _, s := range strings.Split(e.get(k), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
