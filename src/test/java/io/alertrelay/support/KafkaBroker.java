package io.alertrelay.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka 4.1.1 broker (KRaft, combined broker and controller) in a child JVM,
 * for tests.
 *
 * <p>It runs in a JVM of its own because the test classpath carries camel-kafka's kafka-clients 3.9.1,
 * while a 4.x broker needs its own 4.x clients: the broker's classpath comes from the standalone
 * {@code src/test/kafka-broker/pom.xml}, resolved once by a nested Maven run and cached in
 * {@code target/kafka-broker.classpath}. The helpers ({@link #send}, {@link #poll}, {@link #createTopic})
 * use the 3.9.1 client of the test classpath, the same client the relay uses.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String BROKER_VERSION = "4.1.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration CLASSPATH_BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_TAIL_LINES = 60;

    private static String classpath;
    private static KafkaBroker shared;

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final int controllerPort;
    private final Thread shutdownHook;
    private volatile Process process;
    private KafkaProducer<String, String> producer;
    private boolean closed;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.config = dir.resolve("server.properties");
        this.log = dir.resolve("broker.log");
        this.port = port;
        this.controllerPort = controllerPort;
        // a broker must never outlive the test JVM, whichever way the tests end
        this.shutdownHook = new Thread(this::destroyQuietly, "kafka-broker-shutdown-" + port);
    }

    /** Starts a new broker on free loopback ports in a fresh temp dir and returns once clients can use it. */
    public static KafkaBroker start() {
        String cp = brokerClasspath();
        Path dir;
        try {
            dir = Files.createTempDirectory("kafka-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's temp dir", e);
        }
        int[] ports = freePorts(2);
        KafkaBroker broker = new KafkaBroker(dir, ports[0], ports[1]);
        Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
        try {
            broker.writeConfig();
            broker.format(cp);
            broker.launch(cp);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** The broker of this test JVM, started on first use, shared by all tests and stopped at JVM exit. */
    public static synchronized KafkaBroker shared() {
        if (shared == null || shared.closed) {
            shared = start();
        }
        return shared;
    }

    /** The {@code bootstrap.servers} value that reaches this broker. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Stops the broker process (SIGTERM, killed after 20 s) but keeps its data, so {@link #startAgain} resumes it. */
    public synchronized void stop() {
        // the cached producer would otherwise spin on reconnects (and log them) for as long as the broker is down
        closeProducer();
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts a stopped broker again on the same ports and data, so existing clients reconnect; no-op if running. */
    public synchronized void startAgain() {
        if (closed) {
            throw new IllegalStateException("this broker is closed");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        launch(brokerClasspath());
    }

    /** Stops the broker and starts it again on the same ports and data. */
    public synchronized void restart() {
        stop();
        startAgain();
    }

    /** Whether the broker process is running. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Creates a topic (replication factor 1) and waits until every partition has a leader. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                // created in the controller is not yet served by the broker: wait, so a first send finds leaders
                try {
                    TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(5, TimeUnit.SECONDS).get(name);
                    if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // UnknownTopicOrPartition until the broker has the new metadata: try again
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leaders after 30 s" + logTail());
                }
                Thread.sleep(50);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage() + logTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** Sends one record (acks=all) with the given headers (UTF-8) and waits for the broker's acknowledgement. */
    public void send(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        if (headers != null) {
            headers.forEach((k, v) -> record.headers().add(new RecordHeader(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8))));
        }
        try {
            producer().send(record).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        }
    }

    /**
     * Reads a topic from its beginning in a fresh consumer group until at least {@code atLeast} records
     * arrived or {@code timeout} passed, and returns what it read.
     */
    public List<ConsumerRecord<String, String>> poll(String topic, int atLeast, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-broker-poll-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // an observer: it must not create the topic it waits for (with the broker's default partitions)
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // a topic that appears while polling is seen within a second, not after the 5 min default
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        try {
            consumer.subscribe(List.of(topic));
            while (records.size() < atLeast) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos()))).forEach(records::add);
            }
        } finally {
            // short: leaving the group must not hang a test when the broker is down
            consumer.close(Duration.ofSeconds(2));
        }
        return records;
    }

    /** The broker's log file (stdout and stderr of the child JVM, all its runs). */
    public Path logFile() {
        return log;
    }

    /** Stops the broker and deletes its temp dir with all data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        deleteDir();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (close called from a hook): nothing to unregister
        }
    }

    // ------------------------------------------------------------------ process

    private void writeConfig() {
        String c = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                // a static single-voter quorum: formatting then needs no --standalone / --initial-controllers
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "auto.create.topics.enable=true",
                // one broker: every internal topic with one replica, or groups and transactions never work
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // fewer internal partitions than the defaults (50): the first group join creates them all
                "offsets.topic.num.partitions=5",
                "transaction.state.log.num.partitions=5",
                "share.coordinator.state.topic.num.partitions=3",
                // a group forms at once instead of after 3 s
                "group.initial.rebalance.delay.ms=0",
                // two cores: fewer threads than a production broker
                "num.network.threads=2",
                "num.io.threads=4",
                "");
        try {
            Files.writeString(config, c);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
    }

    private void format(String cp) {
        // StorageTool random-uuid is Uuid.randomUuid(): the client's copy saves a JVM start
        String clusterId = Uuid.randomUuid().toString();
        Process format = spawn(cp, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString());
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the broker's storage timed out" + logTail());
            }
            if (format.exitValue() != 0) {
                throw new IllegalStateException("formatting the broker's storage failed (exit " + format.exitValue() + ")" + logTail());
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the broker's storage", e);
        }
    }

    private void launch(String cp) {
        appendLog("---- starting kafka.Kafka " + BROKER_VERSION + " on " + bootstrapServers()
                + " (controller 127.0.0.1:" + controllerPort + ")");
        process = spawn(cp, "-Xmx512m", "kafka.Kafka", config.toString());
        awaitReady();
    }

    private Process spawn(String cp, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // WARN keeps the log to what matters; -Dkafka.broker.logLevel=info (or debug) on the test JVM to dig
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + System.getProperty("kafka.broker.logLevel", "warn"));
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        cmd.add("-Djava.awt.headless=true");
        // a small, short-lived server on two shared cores: the serial collector costs the least
        cmd.add("-XX:+UseSerialGC");
        List<String> rest = new ArrayList<>(List.of(args));
        // leading "-" arguments are this child's JVM options: they go before the class path and main class
        while (!rest.isEmpty() && rest.get(0).startsWith("-")) {
            cmd.add(rest.remove(0));
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.addAll(rest);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", rest), e);
        }
    }

    private void awaitReady() {
        long started = System.nanoTime();
        long deadline = started + READY_TIMEOUT.toNanos();
        // the listener first, with a plain socket: an Admin polling a closed port fills the test log with WARNs
        while (!accepts(port)) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw notReady();
            }
            sleep(100);
        }
        try (Admin admin = admin()) {
            while (true) {
                checkAlive();
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        appendLog("---- ready after " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // listening but not serving yet: try again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the broker", e);
                }
                if (System.nanoTime() > deadline) {
                    throw notReady();
                }
                sleep(100);
            }
        }
    }

    private void checkAlive() {
        if (!process.isAlive()) {
            int exit = process.exitValue();
            process = null;
            throw new IllegalStateException("the Kafka broker exited (" + exit + ") before it was ready" + logTail());
        }
    }

    private IllegalStateException notReady() {
        IllegalStateException e = new IllegalStateException("the Kafka broker on " + bootstrapServers()
                + " was not ready after " + READY_TIMEOUT.toSeconds() + " s" + logTail());
        stop();
        return e;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        return Admin.create(p);
    }

    private synchronized KafkaProducer<String, String> producer() {
        // one producer for all sends: tests send hundreds of records, and a producer per record costs ~100 ms each
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    private synchronized void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    /** The shutdown hook: no waiting on graceful shutdown or on clients, just no orphan process and no litter. */
    private void destroyQuietly() {
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        deleteDir();
    }

    private void deleteDir() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp dir is no test failure
        }
    }

    private void appendLog(String line) {
        try (Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            w.write(line + "\n");
        } catch (IOException e) {
            // only a marker for readers of the log
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n---- last lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return " (no broker log: " + e.getMessage() + ")";
        }
    }

    private static int[] freePorts(int count) {
        // held open together so the ports differ; the broker binds them right after (a tiny race, fine on a test box)
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    // ------------------------------------------------------------------ classpath

    /** The broker's classpath: read from the cache file, or resolved by the nested Maven run when it is missing or stale. */
    private static synchronized String brokerClasspath() {
        if (classpath == null) {
            Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
            Path pom = base.resolve("src/test/kafka-broker/pom.xml");
            Path cache = base.resolve("target/kafka-broker.classpath");
            String cp = readCache(cache, pom);
            if (cp == null) {
                cp = resolve(base, pom, cache);
            }
            classpath = withSlf4j2(cp);
        }
        return classpath;
    }

    /** The cached classpath, or null when it is missing, empty, older than the pom or names a jar that is gone. */
    private static String readCache(Path cache, Path pom) {
        try {
            if (!Files.isRegularFile(cache)
                    || (Files.exists(pom) && Files.getLastModifiedTime(pom).compareTo(Files.getLastModifiedTime(cache)) > 0)) {
                return null;
            }
            String cp = Files.readString(cache).trim();
            if (cp.isEmpty() || Stream.of(cp.split(File.pathSeparator)).anyMatch(e -> !Files.exists(Path.of(e)))) {
                return null;
            }
            return cp;
        } catch (IOException e) {
            return null;
        }
    }

    private static String resolve(Path base, Path pom, Path cache) {
        String mavenHome = System.getProperty("maven.home");
        String mvn = mavenHome != null && Files.isExecutable(Path.of(mavenHome, "bin", "mvn"))
                ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn";
        try {
            Files.createDirectories(cache.getParent());
            // written aside and moved in whole: a second test JVM never reads half a classpath
            Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            Path out = cache.resolveSibling("kafka-broker.classpath.mvn.log");
            Process p = new ProcessBuilder(mvn, "-q", "-B", "-f", pom.toString(), "dependency:build-classpath",
                    "-Dmdep.outputFile=" + tmp)
                    .directory(base.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(CLASSPATH_BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("resolving the Kafka broker's classpath timed out; output in " + out);
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                throw new IllegalStateException("resolving the Kafka broker's classpath failed (" + mvn + " exit "
                        + p.exitValue() + "):\n" + Files.readString(out));
            }
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Files.readString(cache).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + mvn + " to resolve the Kafka broker's classpath", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resolving the Kafka broker's classpath", e);
        }
    }

    /**
     * Swaps an slf4j-api 1.x that Maven mediated in (Kafka's scala-logging asks for 1.7.36) for the test
     * classpath's 2.x: slf4j-simple 2.x only binds to a 2.x API, and with 1.x the broker logs nothing at all,
     * not even why it failed to start. A no-op once the broker pom pins slf4j-api 2.x itself.
     */
    private static String withSlf4j2(String cp) {
        List<String> entries = new ArrayList<>(List.of(cp.split(File.pathSeparator)));
        boolean simple2 = entries.stream().anyMatch(e -> Path.of(e).getFileName().toString().startsWith("slf4j-simple-2."));
        int api1 = indexOf(entries, "slf4j-api-1.");
        if (!simple2 || api1 < 0) {
            return cp;
        }
        try {
            Path ours = Path.of(org.slf4j.LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (ours.getFileName().toString().startsWith("slf4j-api-2.") && Files.isRegularFile(ours)) {
                entries.set(api1, ours.toString());
            }
        } catch (URISyntaxException | RuntimeException e) {
            // keep the classpath as resolved: the broker runs, only silently
        }
        return String.join(File.pathSeparator, entries);
    }

    private static int indexOf(Collection<String> entries, String fileNamePrefix) {
        int i = 0;
        for (String e : entries) {
            if (Path.of(e).getFileName().toString().startsWith(fileNamePrefix)) {
                return i;
            }
            i++;
        }
        return -1;
    }
}
