// Shared by the Java client tests (compiled with each of them by java_harness.py): settings,
// bounded waits, checks that say what went wrong, and a read-everything consumer.
//
// Every test program takes the broker's bootstrap address as its first argument, runs its
// scenarios through Support.scenario (which prints "<name>: ok (<seconds>s)"), and exits 0. A
// failed check throws, and main's exception ends the JVM with status 1. A watchdog halts the JVM
// if a client call hangs past every timeout set here, so a test never outlives its bound.

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

final class Support {
  static String bootstrap;

  // One client call may block at most this long (the clients' own timeouts are set to it too).
  static final Duration CALL = Duration.ofSeconds(20);

  interface Body {
    void run() throws Exception;
  }

  private Support() {}

  /** Reads the bootstrap argument and starts the watchdog. */
  static void start(String[] args, int maxSeconds) {
    if (args.length < 1) throw new IllegalArgumentException("usage: <main> <bootstrap> [...]");
    bootstrap = args[0];
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(maxSeconds * 1000L);
              } catch (InterruptedException e) {
                return;
              }
              System.err.println("FAIL: still running after " + maxSeconds + "s; threads:");
              Thread.getAllStackTraces()
                  .forEach(
                      (t, stack) -> {
                        System.err.println("  " + t.getName());
                        for (StackTraceElement e : stack) System.err.println("      at " + e);
                      });
              System.err.flush();
              Runtime.getRuntime().halt(3);
            },
            "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  static void scenario(String name, Body body) throws Exception {
    long started = System.nanoTime();
    try {
      body.run();
    } catch (Throwable t) {
      System.out.println(name + ": FAILED");
      System.out.flush();
      throw t;
    }
    System.out.printf("%s: ok (%.2fs)%n", name, (System.nanoTime() - started) / 1e9);
    System.out.flush();
  }

  static void check(boolean condition, String format, Object... args) {
    if (!condition) throw new AssertionError(String.format(format, args));
  }

  static void waitUntil(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline)
        throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what);
      Thread.sleep(20);
    }
  }

  static Properties props(Object... keysAndValues) {
    Properties p = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2)
      p.put(keysAndValues[i].toString(), keysAndValues[i + 1].toString());
    return p;
  }

  static Admin admin() {
    return Admin.create(
        props(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CALL.toMillis(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000));
  }

  static Properties producerProps(Object... extra) {
    Properties p =
        props(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG, CALL.toMillis(),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
    p.putAll(props(extra));
    return p;
  }

  /** A consumer of the classic group protocol (kpk has no KIP-848 ConsumerGroupHeartbeat). */
  static Properties consumerProps(Object... extra) {
    Properties p =
        props(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CALL.toMillis(),
            ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
    p.putAll(props(extra));
    return p;
  }

  static void createTopic(Admin admin, String name, int partitions, Map<String, String> configs)
      throws Exception {
    admin
        .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
        .all()
        .get(CALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  static List<TopicPartition> partitions(String topic, int count) {
    List<TopicPartition> list = new ArrayList<>();
    for (int p = 0; p < count; ++p) list.add(new TopicPartition(topic, p));
    return list;
  }

  /**
   * Everything in the partitions from their start to their end offsets (the last stable offsets
   * for read_committed), read by an assigned consumer outside any group, in offset order per
   * partition.
   */
  static Map<TopicPartition, List<ConsumerRecord<String, String>>> readAll(
      Collection<TopicPartition> parts, String isolation) throws InterruptedException {
    Map<TopicPartition, List<ConsumerRecord<String, String>>> out = new HashMap<>();
    Properties p = consumerProps(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, CALL);
      for (TopicPartition tp : parts) out.put(tp, new ArrayList<>());
      long deadline = System.nanoTime() + CALL.toNanos();
      while (!parts.stream().allMatch(tp -> c.position(tp, CALL) >= end.get(tp))) {
        check(System.nanoTime() < deadline, "reading %s: still short of the end offsets %s", parts,
            end);
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200)))
          out.get(new TopicPartition(r.topic(), r.partition())).add(r);
      }
    }
    return out;
  }

  static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).collect(Collectors.toList());
  }

  /**
   * What a failed wait should show: every partition's high watermark and last stable offset,
   * and every transaction the coordinator knows.
   */
  static String brokerState() {
    StringBuilder out = new StringBuilder();
    try (Admin admin = admin()) {
      var topics = admin.describeTopics(topicNames(admin)).allTopicNames()
          .get(CALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      List<TopicPartition> parts = new ArrayList<>();
      topics.forEach((name, d) -> d.partitions().forEach(
          p -> parts.add(new TopicPartition(name, p.partition()))));
      Properties p = consumerProps();
      try (var u = new KafkaConsumer<String, String>(p)) {
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var c = new KafkaConsumer<String, String>(p)) {
          var high = u.endOffsets(parts, CALL);
          var stable = c.endOffsets(parts, CALL);
          var start = u.beginningOffsets(parts, CALL);
          parts.stream().sorted(java.util.Comparator.comparing(TopicPartition::toString))
              .forEach(tp -> out.append(String.format("  %s: start %d, stable %d, high %d%n", tp,
                  start.get(tp), stable.get(tp), high.get(tp))));
        }
      }
      var txns = admin.listTransactions().all().get(CALL.toSeconds(),
          java.util.concurrent.TimeUnit.SECONDS);
      for (var t : txns) {
        var d = admin.describeTransactions(List.of(t.transactionalId())).all()
            .get(CALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        out.append("  transaction ").append(d.get(t.transactionalId())).append('\n');
      }
    } catch (Exception e) {
      out.append("  (broker state not available: ").append(e).append(")\n");
    }
    return out.toString();
  }

  static Set<String> topicNames(Admin admin) throws Exception {
    return admin.listTopics().names().get(CALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }
}
