package resolvers

import (
	"context"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/store"
)

// pageKey names one page of one parent's list.
type pageKey struct {
	Key       string
	First     int
	After     string
	Order     store.FollowOrder
	AfterKey  string
	SkipTotal bool
}

// Loaders batch the lookups of one request, so that a selection costs one
// store round trip per level instead of one per parent (no N+1).
type Loaders struct {
	Person          *dataloadgen.Loader[string, *store.Person]
	InterestsOf     *dataloadgen.Loader[string, []string]
	Interest        *dataloadgen.Loader[string, *store.Interest]
	Followers       *dataloadgen.Loader[pageKey, store.PersonPage]
	Following       *dataloadgen.Loader[pageKey, store.PersonPage]
	InterestPersons *dataloadgen.Loader[pageKey, store.PersonPage]
	Ranked          *dataloadgen.Loader[rankedKey, []store.Interest]
	Social          *SocialLoaders
}

const loaderWait = time.Millisecond

// NewLoaders returns fresh loaders over the application's batched reads,
// for one request.
func NewLoaders(r app.Batches) *Loaders {
	opt := dataloadgen.WithWait(loaderWait)
	return &Loaders{
		Person: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*store.Person, []error) {
			m, err := r.PersonsByIDs(ctx, ids)
			return fill(ids, err, func(id string) *store.Person {
				if p, ok := m[id]; ok {
					return &p
				}
				return nil
			})
		}, opt),
		InterestsOf: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]string, []error) {
			m, err := r.InterestsOf(ctx, ids)
			return fill(ids, err, func(id string) []string { return m[id] })
		}, opt),
		Interest: dataloadgen.NewLoader(func(ctx context.Context, names []string) ([]*store.Interest, []error) {
			m, err := r.InterestsByNames(ctx, names)
			return fill(names, err, func(n string) *store.Interest {
				if i, ok := m[n]; ok {
					return &i
				}
				return nil
			})
		}, opt),
		Followers:       pageLoader(r.Followers),
		Following:       pageLoader(r.Following),
		InterestPersons: pageLoader(r.InterestPersons),
		Ranked:          rankedLoader(r),
		Social:          newSocialLoaders(r),
	}
}

// pageLoader batches page requests with the same first/after into one call.
func pageLoader(fetch func(context.Context, []string, store.Page) (map[string]store.PersonPage, error)) *dataloadgen.Loader[pageKey, store.PersonPage] {
	return dataloadgen.NewLoader(func(ctx context.Context, keys []pageKey) ([]store.PersonPage, []error) {
		groups := map[store.Page][]string{}
		for _, k := range keys {
			pg := store.Page{First: k.First, After: k.After, Order: k.Order, AfterKey: k.AfterKey, SkipTotal: k.SkipTotal}
			groups[pg] = append(groups[pg], k.Key)
		}
		results := map[pageKey]store.PersonPage{}
		for pg, ids := range groups {
			m, err := fetch(ctx, ids, pg)
			if err != nil {
				return fill(keys, err, func(pageKey) store.PersonPage { return store.PersonPage{} })
			}
			for id, page := range m {
				results[pageKey{Key: id, First: pg.First, After: pg.After, Order: pg.Order, AfterKey: pg.AfterKey, SkipTotal: pg.SkipTotal}] = page
			}
		}
		return fill(keys, nil, func(k pageKey) store.PersonPage {
			if p, ok := results[k]; ok {
				return p
			}
			return store.PersonPage{Persons: []store.Person{}}
		})
	}, dataloadgen.WithWait(loaderWait))
}

func fill[K comparable, V any](keys []K, err error, get func(K) V) ([]V, []error) {
	out := make([]V, len(keys))
	if err != nil {
		errs := make([]error, len(keys))
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	for i, k := range keys {
		out[i] = get(k)
	}
	return out, nil
}

type loadersKey struct{}

// lazyLoaders makes a response's loaders on first use: most subscription
// events select nothing a loader reads, and a gateway fanning one event
// out to thousands of subscribers would otherwise build thousands of
// loader sets for nothing.
type lazyLoaders struct {
	r    app.Batches
	once sync.Once
	l    *Loaders
}

func (z *lazyLoaders) get() *Loaders {
	z.once.Do(func() { z.l = NewLoaders(z.r) })
	return z.l
}

// WithLoaders returns ctx with fresh loaders; the gateway calls it for
// every response (each subscription event included).
func WithLoaders(ctx context.Context, r app.Batches) context.Context {
	return context.WithValue(ctx, loadersKey{}, &lazyLoaders{r: r})
}

func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if z, ok := ctx.Value(loadersKey{}).(*lazyLoaders); ok {
		return z.get()
	}
	return NewLoaders(r.App.Queries.Loaders())
}
