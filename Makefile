# Developer entry points. `make test` is the project's test command: it runs
# every test, integration tests included, against real Kafka and Neo4j
# (see scripts/test for where they come from).

.DEFAULT_GOAL := help
GO ?= go

.PHONY: help run build test fuzz storm devstack-up devstack-down devstack-status generate lint bench web

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-16s %s\n", $$1, $$2 }'

run: ## run the service (embedded Kafka + in-memory graph unless KAFKA_BROKERS/NEO4J_URI are set)
	$(GO) run ./cmd/interestgraph $(ARGS)

build: ## build a static binary into bin/
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/interestgraph ./cmd/interestgraph

test: ## all tests with the race detector, against real Kafka and Neo4j
	@scripts/test

fuzz: ## every fuzz target for FUZZTIME each (default 5s; FUZZTIME=10m make fuzz)
	@scripts/fuzz

storm: ## the long bank storm: 20,000 transfers while consumers are SIGKILLed (needs the dev stack)
	@[ -n "$$KAFKA_BROKERS" ] || eval "$$(scripts/devstack env)"; \
	STORM_TRANSFERS=$${STORM_TRANSFERS:-20000} $(GO) test -count=1 -run 'TestBankStorm' -timeout 90m -v ./cmd/interestgraph/

devstack-up: ## start local Kafka and Neo4j (no Docker needed)
	@scripts/devstack up

devstack-down: ## stop them
	@scripts/devstack down

devstack-status: ## show whether they run
	@scripts/devstack status

web: ## rebuild the embedded web app and GraphiQL playground (web/dist, committed) with npm
	cd web && npm ci && npm run test && npm run build

generate: ## regenerate the GraphQL code (gqlgen)
	$(GO) run github.com/99designs/gqlgen generate

lint: ## gofmt check, go vet, and the import rules (internal/archtest)
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	cd bench && $(GO) vet ./...
	$(GO) test -count=1 ./internal/archtest/

bench: ## benchmarks: ours vs raw Kafka/Neo4j vs @neo4j/graphql (dev stack up; ARGS=-scale=large; docs/BENCHMARKS.md)
	@# Without KAFKA_BROKERS set, use the dev stack's addresses (scripts/devstack up must have run).
	@# bench/ is a module of its own (the service must not link its plotting
	@# libraries): build it there, run it here so that paths in ARGS and the
	@# default output folder are relative to the repository root.
	@if [ -z "$$KAFKA_BROKERS" ]; then eval "$$(scripts/devstack env)"; fi; \
	tmp="$$(mktemp -d)"; \
	(cd bench && $(GO) build -o "$$tmp/bench" .) && "$$tmp/bench" $(ARGS); \
	rc=$$?; rm -rf "$$tmp"; exit $$rc
