package domain

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CmdUpdateProfile changes the actor's name and/or bio.
const CmdUpdateProfile CommandType = "UpdateProfile"

// EvProfileUpdated records a profile change; public (on personEvents).
const EvProfileUpdated EventType = "ProfileUpdated"

// MaxBioLen bounds a bio, in characters.
const MaxBioLen = 300

// ProfilePayload carries the fields to change; nil leaves one as it is.
type ProfilePayload struct {
	Name *string `json:"name,omitempty"`
	Bio  *string `json:"bio,omitempty"`
}

// ProfileData is the data of EvProfileUpdated: the new values of the
// fields that changed (nil: unchanged; an empty bio clears it).
type ProfileData struct {
	PersonID string  `json:"personId"`
	Name     *string `json:"name,omitempty"`
	Bio      *string `json:"bio,omitempty"`
}

// isBidiControl reports the explicit directional formatting characters,
// which let a name display as something it is not.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F'
}

// NormalizeBio trims a bio and checks it: at most MaxBioLen characters,
// no control characters but line breaks, no bidi controls. "" clears.
func NormalizeBio(raw string) (string, error) {
	bio := strings.TrimSpace(raw)
	if utf8.RuneCountInString(bio) > MaxBioLen {
		return "", Invalid("bio", "bio must be at most %d characters", MaxBioLen)
	}
	for _, r := range bio {
		if (unicode.IsControl(r) && r != '\n') || isBidiControl(r) {
			return "", Invalid("bio", "bio must not contain control or bidi-override characters")
		}
	}
	return bio, nil
}

// NormalizeProfile validates a profile change; at least one field is set.
func NormalizeProfile(p ProfilePayload) (ProfilePayload, error) {
	var out ProfilePayload
	if p.Name == nil && p.Bio == nil {
		return out, Invalid("input", "give a name or a bio to change")
	}
	if p.Name != nil {
		n, err := NormalizeName(*p.Name)
		if err != nil {
			return out, err
		}
		out.Name = &n
	}
	if p.Bio != nil {
		b, err := NormalizeBio(*p.Bio)
		if err != nil {
			return out, err
		}
		out.Bio = &b
	}
	return out, nil
}

// decideProfile decides UpdateProfile; the actor is known to exist.
func decideProfile(_ context.Context, _ Policy, _ State, cmd Command, p ProfilePayload, now time.Time) (Outcome, error) {
	n, err := NormalizeProfile(p)
	if err != nil {
		return Rejected(cmd, ReasonInvalidPayload), nil
	}
	ev, err := newEvent(cmd, 0, EvProfileUpdated, now, ProfileData{PersonID: cmd.Actor, Name: n.Name, Bio: n.Bio})
	if err != nil {
		return Outcome{}, err
	}
	return applied(cmd, ev), nil
}
