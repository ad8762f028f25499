package neo4jstore

import (
	"fmt"

	"github.com/interestgraph/interestgraph/internal/domain"
)

// A missing name or bio parameter ($name null) leaves the property as it
// is; an empty bio removes it.
const cypherProfileUpdated = `MERGE (p:Person {id: $id})
SET p.name = coalesce($name, p.name), p.searchName = coalesce($search, p.searchName),
  p.bio = CASE WHEN $bio IS NULL THEN p.bio WHEN $bio = '' THEN null ELSE $bio END`

// socialStatement is the statement that applies an event of the social graph.
func socialStatement(ev domain.Event) (string, map[string]any, error) {
	switch ev.Type {
	case domain.EvProfileUpdated:
		var d domain.ProfileData
		if err := ev.DecodeData(&d); err != nil {
			return "", nil, err
		}
		params := map[string]any{"id": d.PersonID, "name": nil, "search": nil, "bio": nil}
		if d.Name != nil {
			params["name"], params["search"] = *d.Name, domain.SearchKey(*d.Name)
		}
		if d.Bio != nil {
			params["bio"] = *d.Bio
		}
		return cypherProfileUpdated, params, nil
	}
	if _, _, ok := domain.RelationEventOf(ev.Type); ok {
		return relationStatement(ev)
	}
	return "", nil, fmt.Errorf("no statement for %s", ev.Type)
}
