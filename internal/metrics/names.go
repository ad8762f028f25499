package metrics

import (
	"regexp"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// fqName reads the name out of a Desc: client_golang exposes it only in
// Desc.String.
var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

// Names lists every metric family the registry can expose, series or not:
// the service's own (from their descriptions, so a vector nobody touched
// yet is included) and the runtime and process collectors'. Dashboards
// are checked against it.
func Names() []string {
	var out []string
	ch := make(chan *prometheus.Desc, 64)
	go func() {
		for _, c := range ours {
			c.Describe(ch)
		}
		close(ch)
	}()
	for d := range ch {
		if m := fqName.FindStringSubmatch(d.String()); m != nil {
			out = append(out, m[1])
		}
	}
	fams, _ := Registry.Gather()
	for _, f := range fams {
		out = append(out, f.GetName())
	}
	slices.Sort(out)
	return slices.Compact(out)
}
