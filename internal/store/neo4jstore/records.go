package neo4jstore

import (
	"errors"
	"fmt"
	"time"
)

// errRecordShape marks a record that lacks a value its query projects, or
// holds one of another type. It is a bug or foreign data, never transient:
// a consumer that meets it counts an attempt (and dead-letters the command
// in the end) instead of panicking the worker.
var errRecordShape = errors.New("neo4j: unexpected record shape")

// getter is what the typed accessors read: a *neo4j.Record, a row (a
// map projection such as `x {.id, .name}` nested in a record), or a tuple
// (a planned read's list projection, read by its columns' names).
type getter interface {
	Get(key string) (any, bool)
}

// row adapts a projected map to getter.
type row map[string]any

// Get implements getter.
func (r row) Get(key string) (any, bool) {
	v, ok := r[key]
	return v, ok
}

// asRow returns v, an element of a projected list, as a row.
func asRow(v any, name string) (row, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s is %T, want a map", errRecordShape, name, v)
	}
	return row(m), nil
}

// get returns the value of key as T. An absent key, a null value and a
// value of another type are errors that name the key.
func get[T any](g getter, key string) (T, error) {
	return lookup[T](g, key, false)
}

// getOpt is get for properties that may be unset in the graph (Cypher null):
// null gives T's zero value. An absent key is still an error, since it means
// the query does not project the property at all.
func getOpt[T any](g getter, key string) (T, error) {
	return lookup[T](g, key, true)
}

func lookup[T any](g getter, key string, optional bool) (T, error) {
	var zero T
	v, ok := g.Get(key)
	switch {
	case !ok:
		return zero, fmt.Errorf("%w: %s is missing", errRecordShape, key)
	case v == nil && optional:
		return zero, nil
	case v == nil:
		return zero, fmt.Errorf("%w: %s is null", errRecordShape, key)
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("%w: %s is %T, want %T", errRecordShape, key, v, zero)
	}
	return t, nil
}

// getList returns the list under key with every element as T; a null or
// mistyped element is an error naming key[i]. With optional, a null list
// gives nil.
func getList[T any](g getter, key string, optional bool) ([]T, error) {
	raw, err := lookup[[]any](g, key, optional)
	if err != nil || raw == nil {
		return nil, err
	}
	if same, ok := any(raw).([]T); ok { // a list of any: nothing to check
		return same, nil
	}
	out := make([]T, 0, len(raw))
	for i, v := range raw {
		t, ok := v.(T)
		if !ok {
			var zero T
			return nil, fmt.Errorf("%w: %s[%d] is %T, want %T", errRecordShape, key, i, v, zero)
		}
		out = append(out, t)
	}
	return out, nil
}

// fields reads many values of one record or row and keeps the first
// problem, so that a mapping function reads every field and checks once.
// The problem is prefixed with what the record is ("person", "transfer").
type fields struct {
	src  getter
	what string
	err  error
}

func (f *fields) keep(err error) {
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("%s: %w", f.what, err)
	}
}

// req reads a property that must be set.
func req[T any](f *fields, key string) T {
	v, err := get[T](f.src, key)
	f.keep(err)
	return v
}

// opt reads a property that may be unset (null).
func opt[T any](f *fields, key string) T {
	v, err := getOpt[T](f.src, key)
	f.keep(err)
	return v
}

// list reads a list property whose elements are all T.
func list[T any](f *fields, key string) []T {
	v, err := getList[T](f.src, key, false)
	f.keep(err)
	return v
}

// optList reads a list property that may be unset (null gives nil).
func optList[T any](f *fields, key string) []T {
	v, err := getList[T](f.src, key, true)
	f.keep(err)
	return v
}

// count reads an integer (Cypher integers are int64) as an int.
func count(f *fields, key string) int {
	return int(req[int64](f, key))
}

// optCount reads a count a projection may leave out (a planned read
// without counts): 0 then.
func optCount(f *fields, key string) int {
	if _, ok := f.src.Get(key); !ok {
		return 0
	}
	return count(f, key)
}

// optTime reads an optional temporal value in UTC.
func optTime(f *fields, key string) time.Time {
	t := opt[time.Time](f, key)
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
