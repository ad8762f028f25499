package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/store"
)

// DemoPassword is the password of every demo account (demo0@example.com …).
const DemoPassword = "demo-password"

var demoTopics = []string{"go", "graphs", "kafka", "neo4j", "chess", "climbing", "jazz", "cooking", "photography",
	"running", "sci-fi", "board games", "gardening", "rust", "cycling", "poetry", "astronomy", "baking", "hiking", "film"}

// loadDemo registers demoPersons persons with interests and follows, all
// through the command path, so the events topic holds them too.
func loadDemo(ctx context.Context, s *service, log *slog.Logger) error {
	const demoPersons = 300
	rng := rand.New(rand.NewPCG(42, 7))
	hash, err := auth.HashPassword(ctx, DemoPassword, s.argon2)
	if err != nil {
		return err
	}
	now := time.Now()
	ids := make([]string, demoPersons)
	var regs []domain.Command
	for i := range ids {
		ids[i] = domain.NewID()
		email := fmt.Sprintf("demo%d@example.com", i)
		name := fmt.Sprintf("Demo Person %d", i)
		acc := store.Account{PersonID: ids[i], Email: email, Name: name, PasswordHash: hash, Roles: []string{auth.RoleUser}, CreatedAt: now.UTC()}
		if err := s.identities.CreateAccount(ctx, acc); err != nil {
			return fmt.Errorf("demo account %d: %w", i, err)
		}
		cmd, _ := domain.NewCommand(domain.CmdRegisterPerson, ids[i], domain.RegisterPersonPayload{Name: name, Email: email}, now)
		regs = append(regs, cmd)
	}
	if err := s.bus.SendCommands(ctx, regs...); err != nil {
		return err
	}
	// Follows need their targets registered: wait for the registrations.
	for {
		got, err := s.store.PersonsByIDs(ctx, ids)
		if err != nil {
			return err
		}
		if len(got) == len(ids) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	var cmds []domain.Command
	for i, id := range ids {
		for range 2 + rng.IntN(5) {
			// Zipf-like: low topic indexes are popular.
			t := demoTopics[min(len(demoTopics)-1, int(rng.ExpFloat64()*4))]
			cmd, _ := domain.NewCommand(domain.CmdAddInterest, id, domain.InterestPayload{Interest: t}, now)
			cmds = append(cmds, cmd)
		}
		for range 3 + rng.IntN(8) {
			// Preferential: low person indexes gather more followers.
			j := min(len(ids)-1, int(rng.ExpFloat64()*float64(len(ids))/6))
			if j == i {
				continue
			}
			cmd, _ := domain.NewCommand(domain.CmdFollow, id, domain.FollowPayload{PersonID: ids[j]}, now)
			cmds = append(cmds, cmd)
		}
	}
	if err := s.bus.SendCommands(ctx, cmds...); err != nil {
		return err
	}
	log.Info("demo graph sent", "persons", demoPersons, "commands", len(cmds)+len(regs), "login", "demo0@example.com / "+DemoPassword)
	return nil
}
