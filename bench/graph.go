package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Graph is a social graph shaped like LDBC SNB's person network: out-degrees
// follow a power law (Pareto, alpha 2.5, scaled to FollowsPerPerson on
// average, capped), followees are picked preferentially by their own degree
// (popular people are followed more), and each person has about
// InterestsPerPerson interests drawn from the tag vocabulary with Zipf-like
// popularity (weight of rank k is k^-TagExponent).
type Graph struct {
	IDs       []string  // person ids; the first len(clients) are registered clients
	Follows   [][]int32 // out-edges by person index
	Interests [][]int32 // tag indexes by person index
	Tags      []string
	tagCum    []float64 // cumulative tag weights, for sampling
	seed      int64
}

// bulkID makes the id of bulk person i: a UUID whose first group is the
// run tag, so that the run's persons can be found (and wiped) by prefix.
func bulkID(tag string, i int) string {
	return fmt.Sprintf("%s-0000-4000-8000-%012x", tag, i)
}

func tagName(tag string, k int) string { return fmt.Sprintf("b%s-t%d", tag, k) }

func generateGraph(cfg Config, tag string, clients []string) *Graph {
	n := cfg.Persons
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 1))
	g := &Graph{IDs: make([]string, n), Follows: make([][]int32, n), Interests: make([][]int32, n), seed: cfg.Seed}
	for i := range n {
		g.IDs[i] = bulkID(tag, i)
		if i < len(clients) {
			g.IDs[i] = clients[i]
		}
	}
	for k := range cfg.Tags {
		g.Tags = append(g.Tags, tagName(tag, k))
	}
	g.tagCum = cumulative(len(g.Tags), func(k int) float64 { return math.Pow(float64(k+1), -cfg.TagExponent) })

	degrees := powerLawDegrees(rng, n, cfg.FollowsPerPerson)
	popularity := cumulative(n, func(i int) float64 { return float64(degrees[i]) + 1 })
	for i := range n {
		g.Follows[i] = distinct(rng, degrees[i], i, popularity)
	}
	lo := int(math.Round(cfg.InterestsPerPerson / 2))
	hi := int(math.Round(2*cfg.InterestsPerPerson)) - lo // uniform in [lo, hi]: mean InterestsPerPerson
	for i := range n {
		k := min(lo+rng.IntN(hi-lo+1), len(g.Tags))
		g.Interests[i] = distinct(rng, k, -1, g.tagCum)
	}
	return g
}

// powerLawDegrees draws Pareto(alpha 2.5) out-degrees, scales them to the
// wanted mean and caps them (a person follows at most a quarter of the
// graph, and at most 1,000 people).
func powerLawDegrees(rng *rand.Rand, n int, mean float64) []int {
	const alpha = 2.5
	raw := make([]float64, n)
	sum := 0.0
	for i := range raw {
		raw[i] = math.Pow(1-rng.Float64(), -1/(alpha-1))
		sum += raw[i]
	}
	cap := max(1, min(1000, n/4))
	scale := mean * float64(n) / sum
	out := make([]int, n)
	// Capping loses part of the tail: rescale until the mean is right again.
	for range 8 {
		total := 0
		for i, r := range raw {
			out[i] = min(cap, max(1, int(math.Round(r*scale))))
			total += out[i]
		}
		scale *= mean * float64(n) / float64(total)
	}
	return out
}

func cumulative(n int, w func(int) float64) []float64 {
	c := make([]float64, n)
	acc := 0.0
	for i := range n {
		acc += w(i)
		c[i] = acc
	}
	return c
}

func sample(rng *rand.Rand, cum []float64) int {
	x := rng.Float64() * cum[len(cum)-1]
	return sort.SearchFloat64s(cum, x)
}

// distinct draws k distinct indexes by weight, never skip; after many
// collisions (a heavy tail meeting a small graph) it falls back to uniform.
func distinct(rng *rand.Rand, k, skip int, cum []float64) []int32 {
	seen := make(map[int]bool, k)
	out := make([]int32, 0, k)
	for tries := 0; len(out) < k && tries < 50*k+100; tries++ {
		var j int
		if tries < 20*k {
			j = sample(rng, cum)
		} else {
			j = rng.IntN(len(cum))
		}
		if j == skip || seen[j] {
			continue
		}
		seen[j] = true
		out = append(out, int32(j))
	}
	return out
}

func (g *Graph) edges() (follows, interests int) {
	for i := range g.IDs {
		follows += len(g.Follows[i])
		interests += len(g.Interests[i])
	}
	return follows, interests
}

// fresh hands each actor follow targets and interests it does not have yet,
// in an order fixed by the seed, so that every contestant is asked for the
// same new edges (and every write creates an edge and an event).
type fresh struct {
	g    *Graph
	rngs map[int]*rand.Rand
	used map[int]map[int]bool // actor -> person or (tag + len(IDs)) already handed out or present
}

func (g *Graph) fresh() *fresh {
	return &fresh{g: g, rngs: map[int]*rand.Rand{}, used: map[int]map[int]bool{}}
}

func (f *fresh) state(a int) (*rand.Rand, map[int]bool) {
	if f.rngs[a] == nil {
		f.rngs[a] = rand.New(rand.NewPCG(uint64(f.g.seed), uint64(a)+1000))
		u := map[int]bool{a: true}
		for _, j := range f.g.Follows[a] {
			u[int(j)] = true
		}
		for _, t := range f.g.Interests[a] {
			u[int(t)+len(f.g.IDs)] = true
		}
		f.used[a] = u
	}
	return f.rngs[a], f.used[a]
}

// follow returns a person actor a does not follow yet.
func (f *fresh) follow(a int) string {
	rng, used := f.state(a)
	j := rng.IntN(len(f.g.IDs))
	for tries := 0; used[j] && tries < 100*len(f.g.IDs); tries++ { // bounded: a tiny graph may run out
		j = rng.IntN(len(f.g.IDs))
	}
	used[j] = true
	return f.g.IDs[j]
}

// interest returns an interest actor a does not have yet.
func (f *fresh) interest(a int) string {
	rng, used := f.state(a)
	t := rng.IntN(len(f.g.Tags))
	for tries := 0; used[t+len(f.g.IDs)] && tries < 100*len(f.g.Tags); tries++ {
		t = rng.IntN(len(f.g.Tags))
	}
	used[t+len(f.g.IDs)] = true
	return f.g.Tags[t]
}

// prepare makes the state of actors 0..n-1 up front, so that n workers can
// each draw for their own actor concurrently.
func (f *fresh) prepare(n int) {
	for a := range n {
		f.state(a)
	}
}

// next returns a new follow target or a new interest for actor a.
func (f *fresh) next(a int, follow bool) string {
	if follow {
		return f.follow(a)
	}
	return f.interest(a)
}

// shape summarises the degree distribution: the largest out- and in-degree
// and the share of persons interested in the most popular tag.
func (g *Graph) shape() (maxOut, maxIn int, topTag float64) {
	in := make([]int, len(g.IDs))
	tags := make([]int, len(g.Tags))
	for i := range g.IDs {
		maxOut = max(maxOut, len(g.Follows[i]))
		for _, j := range g.Follows[i] {
			in[j]++
		}
		for _, t := range g.Interests[i] {
			tags[t]++
		}
	}
	top := 0
	for i := range in {
		maxIn = max(maxIn, in[i])
	}
	for _, n := range tags {
		top = max(top, n)
	}
	return maxOut, maxIn, float64(top) / float64(len(g.IDs))
}
