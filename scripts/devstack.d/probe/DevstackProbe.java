import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.summary.ResultSummary;

/**
 * Readiness probe for scripts/devstack: checks that the servers really answer
 * with their own protocols, not merely that a port is open.
 *
 * <ul>
 *   <li>Kafka: an admin client gets the cluster metadata (cluster id, brokers)
 *       and lists the topics.</li>
 *   <li>Neo4j: a Bolt driver logs in with NEO4J_USER / NEO4J_PASSWORD and
 *       runs {@code RETURN 1}; with --check-wrong-password it also checks that
 *       a wrong password is refused (that is, authentication is on).</li>
 * </ul>
 *
 * <p>It retries until every requested server answers or --timeout seconds
 * pass, and gives up early if a process given with --watch NAME=PID exits.
 * Exit codes: 0 ready, 1 a check failed for good, 3 a watched process died,
 * 4 time-out, 2 usage.
 *
 * <p>Usage: {@code DevstackProbe [--kafka HOST:PORT] [--neo4j URI]
 * [--neo4j-ready-file PATH] [--check-wrong-password] [--timeout SECONDS]
 * [--watch kafka=PID] [--watch neo4j=PID] [--scram-user NAME:PASSWORD]}
 *
 * <p>With --scram-user, once Kafka answers, the user gets SCRAM-SHA-256 and
 * SCRAM-SHA-512 credentials (created or replaced), so the SASL listener has
 * someone to let in.
 */
public final class DevstackProbe {

    private static String kafka;
    private static String neo4jUri;
    private static Path neo4jReadyFile;
    private static boolean checkWrongPassword;
    private static double timeoutSeconds = 5;
    private static String scramUser;
    private static final Map<String, Long> watched = new LinkedHashMap<>();

    public static void main(String[] args) {
        parse(args);
        long start = System.nanoTime();
        long deadline = start + (long) (timeoutSeconds * 1e9);

        Map<String, String> lastError = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>();
        if (kafka != null) pending.add("kafka");
        if (neo4jUri != null) pending.add("neo4j");
        if (pending.isEmpty()) usage("nothing to probe");

        Admin admin = null;
        Driver driver = null;
        int exit = 0;
        try {
            while (!pending.isEmpty()) {
                for (String name : List.copyOf(pending)) {
                    Long pid = watched.get(name);
                    if (pid != null && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        System.out.println(name + ": process " + pid + " exited before it answered");
                        exit = 3;
                        return;
                    }
                    try {
                        String info;
                        if (name.equals("kafka")) {
                            if (admin == null) admin = kafkaAdmin();
                            info = probeKafka(admin);
                            if (scramUser != null) info += "; " + upsertScramUser(admin);
                        } else {
                            if (neo4jReadyFile != null && !Files.exists(neo4jReadyFile)) {
                                lastError.put(name, "launcher has not finished starting (no " + neo4jReadyFile + ")");
                                continue;
                            }
                            if (driver == null) driver = neo4jDriver(System.getenv("NEO4J_PASSWORD"));
                            info = probeNeo4j(driver);
                        }
                        System.out.printf("%s: answers after %.1f s (%s)%n", name,
                                (System.nanoTime() - start) / 1e9, info);
                        pending.remove(name);
                    } catch (FatalProbeError e) {
                        System.out.println(name + ": " + e.getMessage());
                        exit = 1;
                        return;
                    } catch (Exception e) {
                        lastError.put(name, describe(e));
                    }
                }
                if (pending.isEmpty()) break;
                if (System.nanoTime() > deadline) {
                    for (String name : pending) {
                        System.out.printf("%s: no answer within %.0f s; last error: %s%n",
                                name, timeoutSeconds, lastError.getOrDefault(name, "none"));
                    }
                    exit = 4;
                    return;
                }
                sleep(300);
            }
        } finally {
            if (admin != null) admin.close(java.time.Duration.ZERO);
            if (driver != null) driver.close();
            System.out.flush();
            // halt: skip client library shutdown hooks; nothing is left to flush.
            Runtime.getRuntime().halt(exit);
        }
    }

    private static Admin kafkaAdmin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "devstack-probe");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1000L);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000L);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500L);
        p.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500L);
        return Admin.create(p);
    }

    /** A metadata round trip: cluster id, live brokers, topic names. */
    private static String probeKafka(Admin admin) throws Exception {
        DescribeClusterResult c = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
        String clusterId = c.clusterId().get(4, TimeUnit.SECONDS);
        Collection<Node> nodes = c.nodes().get(4, TimeUnit.SECONDS);
        if (nodes.isEmpty()) throw new IllegalStateException("no live broker in the metadata yet");
        Set<String> topics = admin.listTopics(new ListTopicsOptions().timeoutMs(3000).listInternal(true))
                .names().get(4, TimeUnit.SECONDS);
        return "cluster id " + clusterId + ", " + nodes.size() + " broker(s), " + topics.size() + " topic(s)";
    }

    private static Driver neo4jDriver(String password) {
        String user = System.getenv("NEO4J_USER");
        if (user == null || password == null) usage("NEO4J_USER and NEO4J_PASSWORD must be set");
        Config cfg = Config.builder()
                .withLogging(Logging.none())
                .withConnectionTimeout(2, TimeUnit.SECONDS)
                .withMaxConnectionPoolSize(1)
                .withoutEncryption()
                .build();
        return GraphDatabase.driver(neo4jUri, AuthTokens.basic(user, password), cfg);
    }

    /** Logs in and runs RETURN 1; optionally checks that a wrong password is refused. */
    private static String probeNeo4j(Driver driver) throws Exception {
        String agent;
        try (Session s = driver.session()) {
            Result r = s.run("RETURN 1 AS n");
            Record rec = r.single();
            if (rec.get("n").asInt() != 1) throw new FatalProbeError("RETURN 1 returned " + rec);
            ResultSummary sum = r.consume();
            agent = sum.server().agent();
        } catch (AuthenticationException e) {
            // The launcher sets the password before it writes its ready file,
            // so a refusal now is a real misconfiguration, not a startup race.
            throw new FatalProbeError("the dev password was refused: " + e.getMessage());
        }
        String info = "RETURN 1 = 1 as " + System.getenv("NEO4J_USER") + ", server " + agent;
        if (checkWrongPassword) {
            try (Driver wrong = neo4jDriver("not-the-" + System.getenv("NEO4J_PASSWORD"))) {
                wrong.verifyConnectivity();
                throw new FatalProbeError("a WRONG password was accepted: authentication is off");
            } catch (AuthenticationException expected) {
                info += "; a wrong password is refused";
            }
        }
        return info;
    }

    private static String upsertScramUser(Admin admin) throws Exception {
        String[] up = scramUser.split(":", 2);
        if (up.length != 2 || up[0].isEmpty() || up[1].isEmpty()) throw new FatalProbeError("--scram-user wants NAME:PASSWORD");
        // One request per mechanism: the broker refuses two changes of one
        // user's credentials in the same request.
        for (ScramMechanism m : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
            UserScramCredentialUpsertion up1 = new UserScramCredentialUpsertion(up[0], new ScramCredentialInfo(m, 4096), up[1]);
            admin.alterUserScramCredentials(List.of(up1)).all().get(5, TimeUnit.SECONDS);
        }
        return "SCRAM user " + up[0] + " ready";
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--kafka": kafka = value(args, ++i, a); break;
                case "--neo4j": neo4jUri = value(args, ++i, a); break;
                case "--neo4j-ready-file": neo4jReadyFile = Path.of(value(args, ++i, a)); break;
                case "--check-wrong-password": checkWrongPassword = true; break;
                case "--scram-user": scramUser = value(args, ++i, a); break;
                case "--timeout": timeoutSeconds = Double.parseDouble(value(args, ++i, a)); break;
                case "--watch": {
                    String[] kv = value(args, ++i, a).split("=", 2);
                    if (kv.length != 2) usage("--watch wants NAME=PID");
                    watched.put(kv[0], Long.parseLong(kv[1]));
                    break;
                }
                default: usage("unknown argument " + a);
            }
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) usage(flag + " needs a value");
        return args[i];
    }

    private static void usage(String msg) {
        System.err.println("DevstackProbe: " + msg);
        Runtime.getRuntime().halt(2);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failure that retrying cannot fix. */
    private static final class FatalProbeError extends Exception {
        FatalProbeError(String msg) {
            super(msg);
        }
    }
}
