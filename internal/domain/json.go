package domain

import (
	"bytes"
	"encoding/json"
)

// jsonUnmarshalStrict refuses unknown fields: a payload that does not match
// its command type is malformed, not something to half-apply.
func jsonUnmarshalStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
