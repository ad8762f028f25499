package domain

import "testing"

func TestSearchKeyFoldsCaseAndAccents(t *testing.T) {
	cases := map[string]string{
		"José Ñúñez":       "jose nunez",
		"  ZOË   o'Brien ": "zoe o brien",
		"Ana-María":        "ana maria",
		"李小龍":              "李小龍",
	}
	for in, want := range cases {
		if got := SearchKey(in); got != want {
			t.Errorf("SearchKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchMatch(t *testing.T) {
	key := SearchKey("José Ñúñez")
	cases := []struct {
		query string
		rel   int
		ok    bool
	}{
		{"jose", 1, true},
		{"JOS", 0, true},
		{"nun jos", 0, true},
		{"josé núñez", 2, true},
		{"jose x", 0, false},
		{"ez", 0, false},
	}
	for _, c := range cases {
		words, err := SearchQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		rel, ok := SearchMatch(key, words)
		if rel != c.rel || ok != c.ok {
			t.Errorf("%q: (%d, %v), want (%d, %v)", c.query, rel, ok, c.rel, c.ok)
		}
	}
}

func TestSearchQueryBounds(t *testing.T) {
	long := make([]byte, MaxQueryLen+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, q := range []string{string(long), "", " -- "} {
		if _, err := SearchQuery(q); KindOf(err) != KindInvalid {
			t.Errorf("%q: %v, want invalid", q, err)
		}
	}
	words, err := SearchQuery("a b c d e f g h i j")
	if err != nil || len(words) != MaxQueryWords {
		t.Fatalf("words %v, %v", words, err)
	}
}
