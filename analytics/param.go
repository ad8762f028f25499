package analytics

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Param is one declared parameter:
//
//	@param NAME TYPE DEFAULT MIN..MAX what it means
//
// TYPE is int, float or string (whose bounds are its length); DEFAULT is a
// value, "" (the empty string) or "required".
type Param struct {
	Name, Type string
	Default    string
	Required   bool
	Min, Max   float64
	Doc        string
}

// ErrBadParam is wrapped by every refusal of a parameter value.
var ErrBadParam = errors.New("bad parameter")

var paramLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s+(int|float|string)\s+(\S+)\s+(-?[0-9.]+)\.\.(-?[0-9.]+)\s+(.+)$`)

func parseParam(s string) (Param, error) {
	m := paramLine.FindStringSubmatch(s)
	if m == nil {
		return Param{}, fmt.Errorf("@param %q: want NAME int|float|string DEFAULT MIN..MAX description", s)
	}
	p := Param{Name: m[1], Type: m[2], Default: m[3], Doc: m[6]}
	var err1, err2 error
	p.Min, err1 = strconv.ParseFloat(m[4], 64)
	p.Max, err2 = strconv.ParseFloat(m[5], 64)
	if err := errors.Join(err1, err2); err != nil || p.Min > p.Max {
		return p, fmt.Errorf("@param %s: bad bounds %s..%s", p.Name, m[4], m[5])
	}
	switch p.Default {
	case "required":
		p.Required, p.Default = true, ""
		return p, nil
	case `""`:
		p.Default = ""
	}
	if _, err := p.convert(p.Default); err != nil {
		return p, fmt.Errorf("@param %s: default: %w", p.Name, err)
	}
	return p, nil
}

// maxValueLen bounds any value given on the command line, whatever its
// declared bounds, before it is parsed.
const maxValueLen = 256

// convert parses and bounds one value.
func (p Param) convert(v string) (any, error) {
	if len(v) > maxValueLen {
		return nil, fmt.Errorf("%w: %s: longer than %d characters", ErrBadParam, p.Name, maxValueLen)
	}
	switch p.Type {
	case "int":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || float64(n) < p.Min || float64(n) > p.Max {
			return nil, fmt.Errorf("%w: %s=%q: want an integer in %g..%g", ErrBadParam, p.Name, v, p.Min, p.Max)
		}
		return n, nil
	case "float":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || f < p.Min || f > p.Max {
			return nil, fmt.Errorf("%w: %s=%q: want a number in %g..%g", ErrBadParam, p.Name, v, p.Min, p.Max)
		}
		return f, nil
	default:
		if n := float64(len(v)); n < p.Min || n > p.Max {
			return nil, fmt.Errorf("%w: %s: want %g to %g characters", ErrBadParam, p.Name, p.Min, p.Max)
		}
		return v, nil
	}
}

// Bind turns name=value pairs into the query's Cypher parameters: every
// declared parameter gets its value or default, each checked against its
// type and bounds; an unknown or missing required name is an error.
func (q Query) Bind(given map[string]string) (map[string]any, error) {
	out := make(map[string]any, len(q.Params))
	seen := 0
	var errs []error
	for _, p := range q.Params {
		v, ok := given[p.Name]
		if ok {
			seen++
		} else if p.Required {
			errs = append(errs, fmt.Errorf("%w: %s is required (%s)", ErrBadParam, p.Name, p.Doc))
			continue
		} else {
			v = p.Default
		}
		val, err := p.convert(v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[p.Name] = val
	}
	if seen < len(given) {
		errs = append(errs, fmt.Errorf("%w: %s takes only %s", ErrBadParam, q.Name, strings.Join(q.paramNames(), ", ")))
	}
	return out, errors.Join(errs...)
}

func (q Query) paramNames() []string {
	names := make([]string, 0, len(q.Params))
	for _, p := range q.Params {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return []string{"no parameters"}
	}
	return names
}
