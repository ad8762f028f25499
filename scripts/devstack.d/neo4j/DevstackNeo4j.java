import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Development launcher for an embedded Neo4j Community server with Bolt, used
 * by scripts/devstack. It is not part of the application.
 *
 * <p>Why a launcher: the Neo4j server distribution is not on Maven Central, but
 * the embedded database (org.neo4j:neo4j) is, and it contains the same Bolt
 * server and the same authentication. So this class starts the embedded DBMS
 * with the Bolt connector on, authentication on, and the documented dev
 * password for the built-in user, writes READY_FILE, then waits until the JVM
 * is told to stop.
 *
 * <p>Usage: {@code java -cp <neo4j class path>:<this> DevstackNeo4j HOME HOST PORT PAGECACHE_MIB READY_FILE}
 * with the user and password in the environment variables NEO4J_USER and
 * NEO4J_PASSWORD (kept off the command line).
 *
 * <p>SIGTERM (or Ctrl-C) runs a shutdown hook that shuts the DBMS down cleanly,
 * so the next start needs no recovery.
 */
public final class DevstackNeo4j {

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: DevstackNeo4j HOME HOST PORT PAGECACHE_MIB READY_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        long pageCacheBytes = Long.parseLong(args[3]) * 1024L * 1024L;
        Path readyFile = Path.of(args[4]).toAbsolutePath();
        String user = requireEnv("NEO4J_USER");
        String password = requireEnv("NEO4J_PASSWORD");

        Instant started = Instant.now();
        Files.createDirectories(home);
        Files.deleteIfExists(readyFile);
        log("starting Neo4j " + neo4jVersion() + " in " + home + ", Bolt on " + host + ":" + port);

        DatabaseManagementService dbms;
        try {
            dbms = build(home, host, port, pageCacheBytes);
        } catch (Throwable t) {
            log("Neo4j failed to start: " + t);
            t.printStackTrace(System.out);
            // exit() rather than return: threads Neo4j started could keep the JVM alive.
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("signal received, shutting Neo4j down");
            try {
                Files.deleteIfExists(readyFile);
                dbms.shutdown();
                log("Neo4j stopped cleanly");
            } catch (Throwable t) {
                log("shutdown failed: " + t);
            } finally {
                stopped.countDown();
            }
        }, "devstack-neo4j-shutdown"));

        try {
            setPassword(dbms, user, password);
        } catch (Throwable t) {
            log("could not set the password of user '" + user + "': " + t);
            t.printStackTrace(System.out);
            System.exit(1); // runs the shutdown hook
        }

        log("Neo4j started in " + Duration.between(started, Instant.now()).toMillis()
                + " ms; Bolt listening on " + host + ":" + port + ", authentication on");
        // Tells the readiness probe that the password is set, so its first
        // Bolt login cannot race the password change (failed logins are
        // rate-limited by Neo4j).
        Files.writeString(readyFile, ProcessHandle.current().pid() + "\n");
        stopped.await();
    }

    private static DatabaseManagementService build(Path home, String host, int port, long pageCacheBytes) {
        return new DatabaseManagementServiceBuilder(home)
                // Operator-facing messages (neo4j.log in a server install) go to
                // stdout, which scripts/devstack sends to .devstack/logs/neo4j.log.
                // The detailed debug.log stays under HOME/logs.
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                // Plain-text Bolt on loopback, as the Go driver's bolt:// URI expects.
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Authentication ON, as in production: tests must use real credentials.
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Small and predictable memory: the machine also runs Kafka and the Go service.
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes)
                // Keep only a little transaction log: a dev database is disposable.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 32L * 1024 * 1024)
                // No usage reports phoning home.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Stop the Bolt server in about a second instead of ~10 s (netty's
                // graceful-shutdown quiet periods). Internal settings, fine for a
                // dev server at a pinned version; `scripts/devstack down` and every
                // test run wait for this.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
    }

    /**
     * Makes {@code password} the password of {@code user}, without "change
     * required". A new DBMS has user neo4j with password "neo4j" that must be
     * changed before use; the embedded API runs with full rights, so it can
     * change it on the system database. It is run on every start so the
     * documented password always works, even if someone changed it.
     */
    private static void setPassword(DatabaseManagementService dbms, String user, String password) {
        GraphDatabaseService system = dbms.database("system");
        boolean exists;
        try (Transaction tx = system.beginTx();
             Result r = tx.execute("SHOW USERS YIELD user WHERE user = $user RETURN user",
                     Map.of("user", user))) {
            exists = r.hasNext();
            tx.commit();
        }
        if (!exists) {
            system.executeTransactionally(
                    "CREATE USER " + quoteName(user) + " SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
            log("created user '" + user + "'");
            return;
        }
        try {
            system.executeTransactionally(
                    "ALTER USER " + quoteName(user) + " SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
            log("set the password of user '" + user + "'");
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to the one it already has;
            // that is exactly the state we want. Only the change-required flag
            // would then be left, and it was cleared when the password was set.
            if (String.valueOf(rootMessage(e)).contains("cannot be the same")) {
                log("user '" + user + "' already has the dev password");
            } else {
                throw e;
            }
        }
    }

    private static String quoteName(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    private static String requireEnv(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            System.err.println("DevstackNeo4j: environment variable " + name + " is not set");
            System.exit(2);
        }
        return v;
    }

    private static String neo4jVersion() {
        Package p = DatabaseManagementServiceBuilder.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "(unknown version)" : v;
    }

    private static void log(String msg) {
        System.out.println(Instant.now() + " [devstack] " + msg);
        System.out.flush();
    }
}
