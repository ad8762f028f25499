package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/interestgraph/interestgraph/consumers"
	"github.com/interestgraph/interestgraph/internal/app"
	"github.com/interestgraph/interestgraph/internal/auth"
	"github.com/interestgraph/interestgraph/internal/bus"
	"github.com/interestgraph/interestgraph/internal/config"
	"github.com/interestgraph/interestgraph/internal/domain"
	"github.com/interestgraph/interestgraph/internal/embedded"
	"github.com/interestgraph/interestgraph/internal/feeds"
	"github.com/interestgraph/interestgraph/internal/gateway"
	"github.com/interestgraph/interestgraph/internal/hub"
	"github.com/interestgraph/interestgraph/internal/identity"
	"github.com/interestgraph/interestgraph/internal/metrics"
	"github.com/interestgraph/interestgraph/internal/store"
	"github.com/interestgraph/interestgraph/internal/store/memory"
	"github.com/interestgraph/interestgraph/internal/store/neo4jstore"
	"github.com/interestgraph/interestgraph/resolvers"
)

type roles struct{ gateway, consumer bool }

// service is one running process: what it runs depends on its roles.
type service struct {
	cfg    config.Config
	log    *slog.Logger
	broker *embedded.Broker
	busCfg bus.Config
	store  store.GraphStore
	// identities is the identity store of store (its deletions erase there).
	identities store.IdentityStore
	bus        *bus.Bus
	app        *app.Application
	hub        *hub.Hub
	handler    *gateway.Handler
	argon2     auth.Argon2Params // tests lower the cost

	cancel context.CancelFunc
	wg     sync.WaitGroup
	errs   chan error
}

// start connects everything and starts the background loops. The caller
// serves s.handler (if a gateway) and calls s.stop.
func start(ctx context.Context, cfg config.Config, log *slog.Logger, r roles, argon2 auth.Argon2Params, options ...startOption) (_ *service, err error) {
	s := &service{cfg: cfg, log: log, errs: make(chan error, 4), argon2: argon2}
	opts := applyStartOptions(options)
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	brokers := cfg.KafkaBrokers
	if len(brokers) == 0 {
		if s.broker, err = embedded.StartBroker(0); err != nil {
			return nil, err
		}
		brokers = s.broker.Addrs()
		log.Info("mode: embedded Kafka-protocol broker (in-process; nothing is kept across restarts)", "brokers", strings.Join(brokers, ","))
	} else {
		log.Info("mode: Kafka", "brokers", strings.Join(brokers, ","))
	}
	if s.busCfg, err = busConfig(cfg, brokers); err != nil {
		return nil, err
	}
	s.busCfg.SendTimeout = cfg.KafkaSendTimeout
	s.busCfg.Dial = opts.kafkaDial
	if err := retryStartup(ctx, log, "create Kafka topics", func(ctx context.Context) error { return bus.EnsureTopics(ctx, s.busCfg) }); err != nil {
		return nil, err
	}
	if s.bus, err = bus.New(s.busCfg); err != nil {
		return nil, err
	}
	if cfg.Neo4jURI == "" {
		mem := memory.New()
		s.store, s.identities = mem, mem.Identity()
		log.Info("mode: in-memory graph store (nothing is kept across restarts)")
	} else {
		err = retryStartup(ctx, log, "connect to Neo4j", func(ctx context.Context) error {
			st, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase})
			if err == nil {
				s.store, s.identities = st, st.Identity()
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		log.Info("mode: Neo4j graph store", "uri", cfg.Neo4jURI)
	}
	if rs, ok := s.store.(store.RetentionSetter); ok {
		rs.SetNotificationRetention(cfg.NotificationRetention)
	}
	if opts.wrapStore != nil {
		s.store = opts.wrapStore(s.store)
	}

	loops, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	if r.consumer {
		c, err := consumers.New(consumers.Config{Bus: s.busCfg, GroupID: cfg.ConsumerGroup, SessionTimeout: cfg.KafkaSessionTimeout,
			Policy: domain.Policy{WelcomeCoins: cfg.WelcomeCoins}}, consumers.Sealing(s.bus, s.store), s.store, log)
		if err != nil {
			return nil, err
		}
		s.goLoop("command consumer", func() error { return c.Run(loops) })
	}
	if r.gateway {
		if err := s.startGateway(ctx, loops); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *service) startGateway(ctx, loops context.Context) error {
	ids, verifier, keys, err := s.identity()
	if err != nil {
		return err
	}
	waiter := app.NewWaiter()
	s.hub = hub.New(hub.DefaultBuffer, s.log)
	erased := gateway.NewErased(s.cfg.AccessTokenTTL)
	verifier = gateway.RefuseErased(verifier, erased)
	// The feeds are positioned before the gateway serves, so no outcome of
	// a command it sends can slip past them.
	observer, _ := s.store.(feeds.BookmarkObserver)
	outcomes, err := feeds.NewOutcomes(ctx, feeds.OutcomesConfig{Bus: s.busCfg, Waiter: waiter, Bookmarks: observer, Log: s.log})
	if err != nil {
		return err
	}
	events, err := feeds.NewEvents(ctx, feeds.EventsConfig{Bus: s.busCfg, Hub: s.hub, Keys: s.store, Deletions: erased, Log: s.log})
	if err != nil {
		outcomes.Close()
		return err
	}
	s.goLoop("outcome tail", func() error { outcomes.Run(loops); return nil })
	s.goLoop("event tail", func() error { events.Run(loops); return nil })
	if s.app, err = app.New(app.Config{WaitTimeout: s.cfg.CommandWaitTimeout, MutationsPerMinute: s.cfg.MutationsPerMinute, CommandRetention: bus.CommandRetention,
		OnErased: erased.Add, NotificationRetention: s.cfg.NotificationRetention, Log: s.log}, s.bus, waiter, s.store, ids, s.hub); err != nil {
		return err
	}
	limits := gateway.DefaultLimits
	limits.MaxDepth, limits.MaxComplexity = s.cfg.MaxQueryDepth, s.cfg.MaxQueryComplexity
	ws := gateway.WSLimits{MaxSubscriptions: s.cfg.WSMaxSubscriptions, MaxConnectionsPerAddress: s.cfg.WSMaxConnsPerAddr,
		MaxConnections: s.cfg.WSMaxConns, WriteTimeout: s.cfg.WSWriteTimeout, IdleTimeout: s.cfg.WSIdleTimeout}
	var metricsHandler http.Handler // /metrics on the gateway's port unless METRICS_ADDR has its own
	if s.cfg.MetricsAddr == "" {
		metricsHandler = metrics.Handler()
	}
	s.handler = gateway.NewHandler(gateway.Config{Limits: limits, Introspection: s.cfg.Introspection, GQLGenOnly: !s.cfg.DirectAnswers, AllowedOrigins: s.cfg.WSAllowedOrigins,
		CORSOrigins: s.cfg.CORSAllowedOrigins, WS: ws, Metrics: metricsHandler},
		gateway.Deps{Resolvers: &resolvers.Resolver{App: s.app, Log: s.log}, Verifier: verifier, Keys: keys, Ready: s.ready, Log: s.log, Erased: erased})
	return nil
}

// identity returns the auth component: in this process, or the one at
// AUTH_URL, whose keys then verify tokens through its JWKS.
func (s *service) identity() (app.Identity, gateway.Verifier, gateway.KeyPublisher, error) {
	if s.cfg.AuthURL != "" {
		client := identity.NewClient(s.cfg.AuthURL, s.cfg.AuthSharedSecret)
		remote := auth.NewRemoteVerifier(client.JWKSURL(), s.cfg.JWTIssuer, s.cfg.JWTAudience)
		s.log.Info("auth component", "url", s.cfg.AuthURL)
		return client, identity.NewPhantomVerifier(remote, client), nil, nil
	}
	ids, keys, err := newIdentity(s.cfg, s.identities, s.argon2, s.log)
	if err != nil {
		return nil, nil, nil, err
	}
	return ids, identity.NewPhantomVerifier(keys, ids), keys, nil
}

// newIdentity builds the auth component from the configuration.
func newIdentity(cfg config.Config, st identity.Store, argon2 auth.Argon2Params, log *slog.Logger) (*identity.Service, *auth.Keys, error) {
	keys, err := auth.NewKeys(auth.KeyConfig{PrivateKeyFile: cfg.JWTPrivateKeyFile, PreviousKeyFiles: cfg.JWTPreviousKeyFiles,
		Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, ClientID: cfg.OIDCClientID, TTL: cfg.AccessTokenTTL})
	if err != nil {
		return nil, nil, err
	}
	if cfg.JWTPrivateKeyFile == "" {
		log.Warn("JWT_PRIVATE_KEY_FILE is not set: signing with a key generated for this run; tokens end with the process and are not shared between gateways")
	}
	providers, err := identityProviders(cfg.OIDCProviders)
	if err != nil {
		return nil, nil, err
	}
	ids, err := identity.New(identity.Config{AdminEmails: cfg.AdminEmails, RefreshTTL: cfg.RefreshTokenTTL,
		Providers: providers, OpaqueTokens: cfg.OpaqueTokens, SignupsPerMinute: cfg.SignupsPerMinute}, st, keys, argon2)
	return ids, keys, err
}

func (s *service) ready(ctx context.Context) error {
	return errors.Join(s.store.Ready(ctx), bus.Ready(ctx, s.busCfg))
}

func (s *service) goLoop(name string, fn func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := fn(); err != nil {
			s.log.Error(name+" stopped", "err", err)
			select {
			case s.errs <- fmt.Errorf("%s: %w", name, err):
			default:
			}
		}
	}()
}

// stop ends the loops (the consumer finishes the message in hand), closes
// subscriptions, then the bus, the store and the embedded broker.
func (s *service) stop() {
	// Sockets first, with 1001: clients subscribe again elsewhere, where a
	// "complete" from the hub's shutdown would end their subscriptions.
	if s.handler != nil {
		s.handler.CloseSockets("server shutting down")
	}
	if s.hub != nil {
		s.hub.CloseAll()
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s.bus != nil {
		_ = s.bus.Close()
	}
	if s.store != nil {
		_ = s.store.Close(ctx)
	}
	if s.broker != nil {
		s.broker.Close()
	}
}

// retryStartup retries fn for up to a minute: servers started alongside
// the service may still be coming up.
func retryStartup(ctx context.Context, log *slog.Logger, what string, fn func(context.Context) error) error {
	deadline := time.Now().Add(time.Minute)
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 15*time.Second)
		err := fn(actx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("%s: %w", what, err)
		}
		log.Warn(what+" failed; retrying", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// serve runs the process until ctx ends.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, r roles, demo bool) error {
	s, err := start(ctx, cfg, log, r, auth.DefaultArgon2)
	if err != nil {
		return err
	}
	defer s.stop()
	if addr := metricsAddr(cfg, r); addr != "" {
		stopMetrics, err := serveMetrics(addr, log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	if !r.gateway {
		log.Info("consumer running; stop with SIGTERM")
		select {
		case <-ctx.Done():
			return nil
		case err := <-s.errs:
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	srv := newHTTPServer(s.handler)
	go func() { _ = srv.Serve(ln) }()
	log.Info("playground ready", "url", "http://"+ln.Addr().String()+"/", "app", "http://"+ln.Addr().String()+"/app/",
		"graphql", "http://"+ln.Addr().String()+"/graphql")
	if demo {
		if err := loadDemo(ctx, s, log); err != nil {
			log.Error("demo data not loaded", "err", err)
		}
	}
	select {
	case <-ctx.Done():
	case err = <-s.errs:
	}
	log.Info("shutting down: draining requests")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	s.handler.CloseSockets("server shutting down")
	s.hub.CloseAll()
	_ = srv.Shutdown(sctx)
	return err
}

// maxHeaderBytes bounds the request line and headers of every request.
const maxHeaderBytes = 1 << 20

func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// 1 MiB, stated: larger headers are refused (431) before any handler
		// runs; a header under it (a megabyte of dots, say) reaches the
		// handler, which refuses tokens over 4 KiB unparsed.
		MaxHeaderBytes: maxHeaderBytes,
	}
}
