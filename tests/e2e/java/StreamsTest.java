// Kafka Streams word count against kpk: groupBy makes a repartition topic and count a changelog
// topic, both created by Streams through the broker. The output must hold exactly the expected
// counts; after a stop, more input and a restart with an empty state directory (so the counts
// can only come back from the changelog), the counts must continue from where they were.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

public final class StreamsTest {
  static final String APP = "wordcount";
  static final String[] WORDS = {"kafka", "kpk", "stream", "table", "broker", "topic", "offset",
      "group", "record", "batch", "log", "commit"};
  static final Duration WAIT = Duration.ofSeconds(45);

  public static void main(String[] args) throws Exception {
    Support.start(args, 170);
    String guarantee = args.length > 1 ? args[1] : StreamsConfig.EXACTLY_ONCE_V2;
    Path stateRoot = Files.createTempDirectory("kpk-streams-");
    try (Admin admin = Support.admin()) {
      Support.createTopic(admin, "wc-in", 2, Map.of());
      Support.createTopic(admin, "wc-out", 2, Map.of());
      Map<String, Long> expected = new TreeMap<>();
      Random random = new Random(15);
      Support.scenario("word_count_" + guarantee, () -> {
        produceLines(random, 0, 200, expected);
        KafkaStreams streams = start(stateRoot.resolve("first"), guarantee);
        try {
          awaitCounts(expected, Map.of(), Map.of());
        } finally {
          close(streams);
        }
        Set<String> topics = Support.topicNames(admin);
        String repartition = APP + "-counts-repartition";
        String changelog = APP + "-counts-changelog";
        Support.check(topics.contains(repartition) && topics.contains(changelog),
            "Streams' internal topics are missing: %s", topics);
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
        Config c = admin.describeConfigs(List.of(r)).all().get(20, TimeUnit.SECONDS).get(r);
        Support.check(c.get("cleanup.policy").value().equals("compact"),
            "changelog cleanup.policy: %s", c.get("cleanup.policy"));
      });
      Support.scenario("restart_restores_from_changelog_" + guarantee, () -> {
        Map<String, Long> before = new TreeMap<>(expected);
        produceLines(random, 200, 150, expected);
        // Read from here: the new instance may output before it is seen RUNNING.
        Map<TopicPartition, Long> from = outputEnd();
        // A new state directory: nothing local to restore from, only the changelog.
        KafkaStreams streams = start(stateRoot.resolve("second"), guarantee);
        try {
          awaitCounts(expected, before, from);
        } finally {
          close(streams);
        }
      });
      Support.scenario("crash_mid_transaction_" + guarantee, () -> {
        Map<String, Long> before = new TreeMap<>(expected);
        Path dir = stateRoot.resolve("crash");
        Map<TopicPartition, Long> from = outputEnd();
        Process child = startChild(dir, guarantee);
        try {
          produceLines(random, 350, 100, expected);
          awaitAnyOutput();
          produceLines(random, 450, 100, expected);
          child.destroyForcibly(); // SIGKILL, most likely inside a transaction
          Support.check(child.waitFor(10, TimeUnit.SECONDS), "the Streams JVM did not die");
        } finally {
          child.destroyForcibly();
        }
        // The same state directory, so the same process id and transactional id: the new
        // instance fences the dead one's producer and aborts its open transaction.
        KafkaStreams streams = start(dir, guarantee);
        try {
          awaitCounts(expected, before, from);
        } finally {
          close(streams);
        }
      });
      if (args.length > 2 && args[2].equals("restarts")) {
        Support.scenario("broker_restart_under_streams_" + guarantee, () -> {
          Map<String, Long> before = new TreeMap<>(expected);
          Map<TopicPartition, Long> from = outputEnd();
          KafkaStreams streams = start(stateRoot.resolve("restart"), guarantee);
          try {
            produceLines(random, 550, 100, expected);
            // The broker stops (SIGTERM) and comes back while Streams works.
            var stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            System.out.println("@restart stop");
            System.out.flush();
            Support.check(stdin.readLine() != null, "the driver did not answer");
            produceLines(random, 650, 100, expected);
            awaitCounts(expected, before, from);
            Support.check(streams.state() == KafkaStreams.State.RUNNING, "Streams is %s",
                streams.state());
          } finally {
            close(streams);
          }
        });
      }
    } finally {
      deleteTree(stateRoot);
    }
  }

  /** The word count in a JVM of its own, so that it can be killed outright. */
  public static final class App {
    public static void main(String[] args) throws Exception {
      Support.start(args, 120);
      KafkaStreams streams = start(Path.of(args[1]), args[2]);
      System.out.println("running");
      System.out.flush();
      // Ends with its parent: stdin closes when the test JVM goes.
      while (System.in.read() >= 0) {}
      Runtime.getRuntime().halt(0);
    }
  }

  static Process startChild(Path stateDir, String guarantee) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1"));
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) cmd.add("-Dlog4j2.configurationFile=" + log4j);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), App.class.getName(),
        Support.bootstrap, stateDir.toString(), guarantee));
    Process child = new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
    var line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    });
    try {
      String first = line.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Support.check("running".equals(first), "the Streams JVM said %s", first);
    } catch (Exception | AssertionError e) {
      child.destroyForcibly();
      throw e;
    }
    return child;
  }

  // Waits until the output topic grows: the child is processing and committing.
  static void awaitAnyOutput() throws Exception {
    List<TopicPartition> parts = Support.partitions("wc-out", 2);
    try (var c = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      long start = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
      Support.waitUntil("output from the Streams JVM", WAIT,
          () -> c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum() > start);
    }
  }

  static void produceLines(Random random, int first, int count, Map<String, Long> expected) {
    try (var p = new KafkaProducer<String, String>(Support.producerProps("acks", "all"))) {
      for (int i = first; i < first + count; ++i) {
        List<String> line = new ArrayList<>();
        for (int w = 1 + random.nextInt(6); w > 0; --w) {
          String word = WORDS[random.nextInt(WORDS.length)];
          line.add(random.nextBoolean() ? word.toUpperCase() : word);
          expected.merge(word, 1L, Long::sum);
        }
        p.send(new ProducerRecord<>("wc-in", "line-" + i, String.join(" ", line) + "."));
      }
      p.flush();
    }
  }

  static KafkaStreams start(Path stateDir, String guarantee) throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("wc-in")
        .flatMapValues(line -> Arrays.asList(line.toLowerCase().split("\\W+")))
        .filter((key, word) -> !word.isEmpty())
        .groupBy((key, word) -> word) // re-keyed: through the repartition topic
        // In memory, so that a restart restores everything from the changelog topic.
        .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("counts")))
        .toStream()
        .to("wc-out", Produced.with(Serdes.String(), Serdes.Long()));
    Properties p = Support.props(
        StreamsConfig.APPLICATION_ID_CONFIG, APP,
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, Support.bootstrap,
        StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee,
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200,
        StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1,
        StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName(),
        StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName(),
        StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic",
        // The shortest session the broker allows: a killed instance leaves the group sooner.
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000,
        StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 500);
    KafkaStreams streams = new KafkaStreams(builder.build(), p);
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    streams.setUncaughtExceptionHandler(e -> {
      failures.add(e);
      e.printStackTrace();
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    try {
      Support.waitUntil("Streams RUNNING (now " + streams.state() + ")", WAIT,
          () -> streams.state() == KafkaStreams.State.RUNNING || !failures.isEmpty()
              || streams.state() == KafkaStreams.State.ERROR);
      Support.check(failures.isEmpty() && streams.state() == KafkaStreams.State.RUNNING,
          "Streams is %s: %s", streams.state(), failures);
    } catch (Throwable t) {
      close(streams);
      throw t;
    }
    return streams;
  }

  // Leaving the group on close (Streams stays by default) spares the next start a wait for
  // this member's session to time out before the group rebalances.
  static void close(KafkaStreams streams) {
    Support.check(streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(20))),
        "Streams did not close within 20s");
  }

  /** The output topic's end offsets (last stable offsets). */
  static Map<TopicPartition, Long> outputEnd() {
    try (var c = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      return c.endOffsets(Support.partitions("wc-out", 2), Support.CALL);
    }
  }

  /**
   * Reads the output (read_committed) from `from` (or the start) until the newest count of every
   * word is the expected one. With `floor`, every count output for a word must exceed the count
   * it had before (a count restarting from zero means the state was lost).
   */
  static void awaitCounts(Map<String, Long> expected, Map<String, Long> floor,
      Map<TopicPartition, Long> from) throws InterruptedException {
    Properties p = Support.consumerProps(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
    Map<String, Long> latest = new TreeMap<>();
    try (var c = new KafkaConsumer<String, Long>(p)) {
      List<TopicPartition> parts = Support.partitions("wc-out", 2);
      c.assign(parts);
      c.seekToBeginning(parts);
      for (TopicPartition tp : parts) if (from.containsKey(tp)) c.seek(tp, from.get(tp));
      if (!floor.isEmpty()) latest.putAll(floor);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!latest.equals(expected)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(String.format(
              "timed out waiting for the counts; newest %s, expected %s; broker:%n%s", latest,
              expected, Support.brokerState()));
        }
        for (ConsumerRecord<String, Long> r : c.poll(Duration.ofMillis(200))) {
          Long before = floor.get(r.key());
          Support.check(before == null || r.value() > before,
              "%s counted %d after the restart, but it was %d before: state lost", r.key(),
              r.value(), before);
          Long previous = latest.put(r.key(), r.value());
          Support.check(previous == null || r.value() > previous,
              "%s went from %d to %d", r.key(), previous, r.value());
        }
      }
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
