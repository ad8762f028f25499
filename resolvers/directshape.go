package resolvers

import (
	"bytes"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/interestgraph/interestgraph/internal/gqlmodel"
)

// fieldKind is what one field of a direct answer writes.
type fieldKind uint8

// The fields a direct answer writes: those a compiled read holds.
const (
	_ fieldKind = iota // none: a shape field always says what it is
	typenameField
	rootPerson // Query.person, Query.me
	personID
	personName
	personEmail
	personRegisteredAt
	personFollowerCount
	personFollowingCount
	personBio
	personWallet
	personInterests
	personList // followers, following
	walletBalance
	interestName
	interestPersonCount
	connectionTotalCount
	connectionEdges
	connectionPageInfo
	edgeCursor
	edgeNode
	pageHasNextPage
	pageEndCursor
)

// shape is how a direct answer writes one object: its fields in response
// order, as gqlgen's CollectFields gives them.
type shape []shapeField

type shapeField struct {
	alias     string
	key       []byte // the response key quoted as gqlgen quotes it, and a colon
	kind      fieldKind
	typename  []byte // __typename: the object's type name, quoted
	sub       shape  // the selection of an object or a list of objects
	interests gqlmodel.InterestsKey
	list      gqlmodel.ListKey
	root      int // a root person: its index in the direct answer's roots
}

// Leaf fields by type: scalars without arguments.
var (
	personLeaves   = map[string]fieldKind{"id": personID, "name": personName, "email": personEmail, "registeredAt": personRegisteredAt, "followerCount": personFollowerCount, "followingCount": personFollowingCount, "bio": personBio}
	walletLeaves   = map[string]fieldKind{"balance": walletBalance}
	interestLeaves = map[string]fieldKind{"name": interestName}
	countedLeaves  = map[string]fieldKind{"name": interestName, "personCount": interestPersonCount}
	pageLeaves     = map[string]fieldKind{"hasNextPage": pageHasNextPage, "endCursor": pageEndCursor}
	edgeLeaves     = map[string]fieldKind{"cursor": edgeCursor}
	countLeaves    = map[string]fieldKind{"totalCount": connectionTotalCount}
)

// shapeCompiler compiles the selection of a root person, whose plan's
// response keys are known, into shapes. It answers false for anything a
// direct answer does not write exactly as gqlgen would: a field the plan
// did not cover, a field of no plan (mutuals, relationship, Interest.persons),
// @defer, a response key met twice.
type shapeCompiler struct{ op *graphql.OperationContext }

// object collects sel on type typ with gqlgen's own CollectFields (so
// fragments, inline fragments and @skip/@include with variables apply as
// gqlgen applies them) and maps each field: __typename, a leaf, or what
// nested says of it.
func (c shapeCompiler) object(sel ast.SelectionSet, typ string, leaves map[string]fieldKind, nested func(graphql.CollectedField, *shapeField) bool) (shape, bool) {
	fields := graphql.CollectFields(c.op, sel, []string{typ})
	out := make(shape, 0, len(fields))
	for _, f := range fields {
		if len(f.Deferrables) > 0 || out.has(f.Alias) {
			return nil, false
		}
		sf := shapeField{alias: f.Alias, key: responseKey(f.Alias)}
		k, leaf := leaves[f.Name]
		switch {
		case f.Name == "__typename":
			sf.kind, sf.typename = typenameField, quoted(typ)
		case leaf:
			sf.kind = k
		case nested == nil || !nested(f, &sf):
			return nil, false
		}
		out = append(out, sf)
	}
	return out, true
}

func (s shape) has(alias string) bool {
	for _, f := range s {
		if f.alias == alias {
			return true
		}
	}
	return false
}

// person compiles a Person selection whose plan's keys are keys.
func (c shapeCompiler) person(sel ast.SelectionSet, keys *gqlmodel.PlanKeys) (shape, bool) {
	return c.object(sel, "Person", personLeaves, func(f graphql.CollectedField, sf *shapeField) bool {
		var ok bool
		switch f.Name {
		case "interests":
			if sf.interests, ok = keys.Interests[f.Alias]; !ok {
				return false
			}
			leaves := interestLeaves
			if sf.interests.Counted {
				leaves = countedLeaves
			}
			sf.kind = personInterests
			sf.sub, ok = c.object(f.Selections, "Interest", leaves, nil)
		case "followers", "following":
			if sf.list, ok = keys.Lists[f.Alias]; !ok {
				return false
			}
			sf.kind = personList
			sf.sub, ok = c.connection(f.Selections, sf.list.Members)
		case "wallet":
			sf.kind = personWallet
			sf.sub, ok = c.object(f.Selections, "Wallet", walletLeaves, nil)
		}
		return ok
	})
}

// connection compiles a PersonConnection selection whose nodes' plan keys
// are members.
func (c shapeCompiler) connection(sel ast.SelectionSet, members *gqlmodel.PlanKeys) (shape, bool) {
	return c.object(sel, "PersonConnection", countLeaves, func(f graphql.CollectedField, sf *shapeField) bool {
		var ok bool
		switch f.Name {
		case "edges":
			sf.kind = connectionEdges
			sf.sub, ok = c.object(f.Selections, "PersonEdge", edgeLeaves, func(n graphql.CollectedField, nf *shapeField) bool {
				if n.Name != "node" {
					return false
				}
				var ok bool
				nf.kind = edgeNode
				nf.sub, ok = c.person(n.Selections, members)
				return ok
			})
		case "pageInfo":
			sf.kind = connectionPageInfo
			sf.sub, ok = c.object(f.Selections, "PageInfo", pageLeaves, nil)
		}
		return ok
	})
}

// responseKey is alias as gqlgen writes an object's key.
func responseKey(alias string) []byte {
	return append(quoted(alias), ':')
}

// quoted is s as gqlgen writes a string.
func quoted(s string) []byte {
	var b bytes.Buffer
	graphql.MarshalString(s).MarshalGQL(&b)
	return b.Bytes()
}
