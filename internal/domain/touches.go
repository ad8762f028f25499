package domain

// Pair returns, in a fixed order, the two persons whose relation cmd is
// decided on and changes, when another person's concurrent command could
// decide on the same relation: a follow or a transfer (refused across a
// block) and a block (which removes follows); the registry marks them
// paired. A store whose reads do not see concurrent writes locks both
// before deciding, in this order, so that two such commands from
// different partitions serialise and cannot deadlock. Other commands, and
// a payload that does not decode, have none.
func Pair(cmd Command) []string {
	c, ok := commands[cmd.Type]
	if !ok || !c.paired {
		return nil
	}
	other, ok := c.otherPerson(cmd)
	if !ok {
		return nil
	}
	if other < cmd.Actor {
		return []string{other, cmd.Actor}
	}
	return []string{cmd.Actor, other}
}

// Touches returns the persons (the actor and the other person of a
// relation) and the interests whose nodes deciding and applying cmd may
// lock. A store that decides many commands in one transaction takes all
// their locks first, sorted, so that two such transactions (two
// partitions) lock in one global order and do not deadlock each other.
func Touches(cmd Command) (persons, interests []string) {
	persons = append(persons, cmd.Actor)
	c, ok := commands[cmd.Type]
	if !ok {
		return persons, nil
	}
	// Setting or removing a relationship locks its other end too.
	if other, ok := c.otherPerson(cmd); ok {
		persons = append(persons, other)
	}
	if c.interest != nil {
		if p, err := c.decode(cmd); err == nil {
			if name, err := NormalizeInterest(c.interest(p)); err == nil {
				interests = append(interests, name)
			}
		}
	}
	return persons, interests
}

// otherPerson returns the other person cmd's payload names, if it names
// one that is not the actor and the payload decodes.
func (c commandSpec) otherPerson(cmd Command) (string, bool) {
	if c.other == nil {
		return "", false
	}
	p, err := c.decode(cmd)
	if err != nil {
		return "", false
	}
	other := c.other(p)
	return other, other != "" && other != cmd.Actor
}
