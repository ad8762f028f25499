package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits on input, documented in the README.
const (
	MaxInterestLen = 64
	MaxNameLen     = 100
	MaxEmailLen    = 254
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// NormalizeInterest applies the interest name rule: surrounding space is
// trimmed, inner runs of white space (tabs and newlines too) collapse to one space, letters are case-folded to
// lower case, and the result is 1–64 characters of letters, digits, spaces
// and dashes. Two spellings that normalise alike name the same interest.
func NormalizeInterest(raw string) (string, error) {
	name := strings.ToLower(strings.Join(strings.Fields(raw), " "))
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return "", Invalid("name", "interest name must not be empty")
	}
	if n > MaxInterestLen {
		return "", Invalid("name", "interest name must be at most %d characters", MaxInterestLen)
	}
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-') {
			return "", Invalid("name", "interest name may contain only letters, digits, spaces and dashes")
		}
	}
	return name, nil
}

// NormalizeEmail trims and lower-cases an email and checks its shape.
func NormalizeEmail(raw string) (string, error) {
	email := strings.ToLower(strings.TrimSpace(raw))
	if email == "" || len(email) > MaxEmailLen {
		return "", Invalid("email", "email must be 1–%d characters", MaxEmailLen)
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		return "", Invalid("email", "email is not a valid address")
	}
	return email, nil
}

// NormalizeName trims a display name and checks its length.
func NormalizeName(raw string) (string, error) {
	name := strings.Join(strings.Fields(raw), " ")
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxNameLen {
		return "", Invalid("name", "name must be 1–%d characters", MaxNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) || isBidiControl(r) {
			return "", Invalid("name", "name must not contain control or bidi-override characters")
		}
	}
	return name, nil
}

// ValidatePassword checks the password policy: 8–128 characters.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return Invalid("password", "password must be at least %d characters", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return Invalid("password", "password must be at most %d characters", MaxPasswordLen)
	}
	return nil
}

// ParsePersonID checks that id is a canonical UUID, the shape of every
// person id this service hands out.
func ParsePersonID(field, id string) (string, error) {
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return "", Invalid(field, "%q is not a valid person id", truncate(id, 64))
	}
	return id, nil
}

// ParseCommandID checks that id is a canonical UUID and returns when it
// was issued if it is a UUIDv7 (every command id this service hands out
// is), or the zero time if it cannot be one of ours.
func ParseCommandID(field, id string) (time.Time, error) {
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return time.Time{}, Invalid(field, "%q is not a valid command id", truncate(id, 64))
	}
	if u.Version() != 7 {
		return time.Time{}, nil
	}
	sec, nsec := u.Time().UnixTime()
	return time.Unix(sec, nsec), nil
}

// NewID returns a fresh time-ordered UUID.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
