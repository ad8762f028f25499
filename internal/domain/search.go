package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Search limits, documented in the README and docs/SECURITY.md.
const (
	// MaxQueryLen bounds a search or interest-directory query string.
	MaxQueryLen = 100
	// MaxQueryWords bounds the words of a search query: each is one clause
	// of the index query.
	MaxQueryWords = 8
)

// SearchKey is the form of a name that search matches against: accents
// removed (NFD, combining marks dropped), case folded, and cut into words
// of letters and digits joined by single spaces. Both stores index this
// same key, so they match alike: "José Ñúñez" becomes "jose nunez".
func SearchKey(name string) string {
	return strings.Join(searchWords(name), " ")
}

func searchWords(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining mark: the accent of the letter before it
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// SearchQuery checks a search query and returns its words in SearchKey
// form: at most MaxQueryLen characters, at least one letter or digit, at
// most MaxQueryWords words (later ones are dropped: they only narrow).
func SearchQuery(raw string) ([]string, error) {
	if utf8.RuneCountInString(raw) > MaxQueryLen {
		return nil, Invalid("query", "query must be at most %d characters", MaxQueryLen)
	}
	words := searchWords(raw)
	if len(words) == 0 {
		return nil, Invalid("query", "query must contain a letter or digit")
	}
	if len(words) > MaxQueryWords {
		words = words[:MaxQueryWords]
	}
	return words, nil
}

// SearchMatch reports whether every query word is a prefix of a word of
// key, and how relevant the match is: the number of query words that are
// whole words of key. The memory store ranks with it; the Neo4j store
// computes the same in Cypher.
func SearchMatch(key string, words []string) (relevance int, ok bool) {
	nameWords := strings.Fields(key)
	for _, w := range words {
		found, whole := false, false
		for _, nw := range nameWords {
			if strings.HasPrefix(nw, w) {
				found = true
				whole = whole || nw == w
			}
		}
		if !found {
			return 0, false
		}
		if whole {
			relevance++
		}
	}
	return relevance, true
}
