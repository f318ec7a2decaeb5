// The Java producer against kpk: idempotent, acks=all, with every compression codec. Each record
// sent must be read back exactly once, at the offset its send was acknowledged with, and in send
// order within its partition.

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

public final class ProducerTest {
  static final int PARTITIONS = 3;
  static final int RECORDS = 3000;

  public static void main(String[] args) throws Exception {
    Support.start(args, 170);
    try (Admin admin = Support.admin()) {
      for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
        Support.scenario("idempotent_acks_all_" + codec, () -> produceAndReadBack(admin, codec));
      }
      Support.scenario("large_records_small_fetches", () -> largeRecords(admin));
      Support.scenario("log_append_time", () -> logAppendTime(admin));
      if (args.length > 1 && args[1].equals("restarts")) {
        Support.scenario("idempotent_across_broker_restarts", () -> acrossRestarts(admin));
      }
    }
  }

  // message.timestamp.type=LogAppendTime: the broker's time replaces the producer's, in the
  // produce response (RecordMetadata) and in what consumers read, compressed batches included.
  static void logAppendTime(Admin admin) throws Exception {
    String topic = "produce-append-time";
    Support.createTopic(admin, topic, 1, Map.of("message.timestamp.type", "LogAppendTime"));
    long before = System.currentTimeMillis();
    List<RecordMetadata> acked = new ArrayList<>();
    try (var producer = new KafkaProducer<String, String>(Support.producerProps(
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd", ProducerConfig.LINGER_MS_CONFIG, 20))) {
      List<java.util.concurrent.Future<RecordMetadata>> sends = new ArrayList<>();
      for (int i = 0; i < 20; ++i)
        sends.add(producer.send(new ProducerRecord<>(topic, 0, 42L + i, "k", "v" + i)));
      for (var f : sends) acked.add(f.get(30, TimeUnit.SECONDS));
    }
    long after = System.currentTimeMillis();
    for (RecordMetadata m : acked)
      Support.check(m.timestamp() >= before && m.timestamp() <= after,
          "acknowledged timestamp %d not the broker's time (%d..%d)", m.timestamp(), before,
          after);
    TopicPartition tp = new TopicPartition(topic, 0);
    var read = Support.readAll(List.of(tp), "read_uncommitted").get(tp);
    Support.check(read.size() == 20, "read %d records", read.size());
    for (int i = 0; i < read.size(); ++i) {
      var r = read.get(i);
      Support.check(r.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
              && r.timestamp() == acked.get(i).timestamp(),
          "record %d: %s %d, acknowledged %d", i, r.timestampType(), r.timestamp(),
          acked.get(i).timestamp());
    }
  }

  // Records larger than the consumer's fetch limits still come back whole (KIP-74: the first
  // batch is returned even if it exceeds max.partition.fetch.bytes and fetch.max.bytes).
  static void largeRecords(Admin admin) throws Exception {
    String topic = "produce-large";
    Support.createTopic(admin, topic, 1, Map.of("max.message.bytes", "2000000"));
    List<String> sent = new ArrayList<>();
    try (var producer = new KafkaProducer<String, String>(Support.producerProps(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2000000,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 12; ++i) {
        // Incompressible enough to stay large: random letters.
        StringBuilder value = new StringBuilder(i + ":");
        int size = i % 3 == 0 ? 1_500_000 : 100 + random.nextInt(300_000);
        for (int j = 0; j < size; ++j) value.append((char) ('a' + random.nextInt(26)));
        sent.add(value.toString());
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, value.toString())).get(30,
            TimeUnit.SECONDS);
      }
    }
    TopicPartition tp = new TopicPartition(topic, 0);
    List<String> got = new ArrayList<>();
    try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(
        Support.consumerProps("max.partition.fetch.bytes", 65536, "fetch.max.bytes", 100000,
            "max.poll.records", 3))) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Support.CALL.toNanos();
      while (got.size() < sent.size()) {
        Support.check(System.nanoTime() < deadline, "read %d of %d large records", got.size(),
            sent.size());
        c.poll(java.time.Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
      }
    }
    for (int i = 0; i < sent.size(); ++i)
      Support.check(got.get(i).equals(sent.get(i)), "large record %d differs (%d bytes, sent %d)",
          i, got.get(i).length(), sent.get(i).length());
  }

  // An idempotent producer keeps sending while the broker stops (SIGTERM), then crashes
  // (SIGKILL), and comes back: retried batches must not be written twice, none may be lost, and
  // each partition keeps send order. The test driver restarts the broker when this prints
  // "@restart <how>" and answers on stdin when it is back.
  static void acrossRestarts(Admin admin) throws Exception {
    String topic = "produce-restarts";
    Support.createTopic(admin, topic, 2, Map.of());
    var producer = new KafkaProducer<String, String>(Support.producerProps(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 2048,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60000,
        ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
    Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<List<String>> sentPerPartition = List.of(new ArrayList<>(), new ArrayList<>());
    var stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
    int sent = 0;
    try (producer) {
      for (String how : List.of("stop", "kill", "none")) {
        int target = acked.size() + 1500;
        boolean announced = false;
        var back = new java.util.concurrent.atomic.AtomicBoolean(false);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (acked.size() < target || (announced && !back.get())) {
          Support.check(System.nanoTime() < deadline && failure.get() == null,
              "sending across '%s': %d acked of %d sent; failure %s", how, acked.size(), sent,
              failure.get());
          if (sent - acked.size() > 3000) { // the broker is away: enough queued
            Thread.sleep(10);
            continue;
          }
          int partition = sent % 2;
          String value = "r-" + sent++;
          sentPerPartition.get(partition).add(value);
          producer.send(new ProducerRecord<>(topic, partition, null, value), (m, e) -> {
            if (e != null) failure.compareAndSet(null, e);
            else if (acked.put(value, m) != null)
              failure.compareAndSet(null, new IllegalStateException("acked twice: " + value));
          });
          if (sent % 500 == 0) Thread.sleep(1);
          if (!announced && !how.equals("none") && acked.size() >= target - 1000) {
            // Mid-stream: sends keep queueing while the broker is away.
            System.out.println("@restart " + how + " " + (sent - acked.size()));
            System.out.flush();
            announced = true;
            new Thread(() -> {
              try {
                stdin.readLine();
                back.set(true);
              } catch (java.io.IOException e) {
                failure.compareAndSet(null, e);
              }
            }).start();
          }
        }
      }
      producer.flush();
    }
    if (failure.get() != null) throw new AssertionError("a send failed", failure.get());
    Support.check(acked.size() == sent, "%d of %d sends acknowledged", acked.size(), sent);
    var read = Support.readAll(Support.partitions(topic, 2), "read_uncommitted");
    for (int p = 0; p < 2; ++p) {
      List<String> values = Support.values(read.get(new TopicPartition(topic, p)));
      List<String> expected = sentPerPartition.get(p);
      if (!values.equals(expected)) {
        java.util.Set<String> unique = new java.util.HashSet<>(values);
        int first = 0;
        while (first < Math.min(values.size(), expected.size())
            && values.get(first).equals(expected.get(first))) ++first;
        throw new AssertionError(String.format(
            "partition %d after restarts: read %d (%d distinct), sent %d; first difference at %d: "
                + "read %s, sent %s", p, values.size(), unique.size(), expected.size(), first,
            first < values.size() ? values.get(first) : "<end>",
            first < expected.size() ? expected.get(first) : "<end>"));
      }
    }
  }

  static void produceAndReadBack(Admin admin, String codec) throws Exception {
    String topic = "produce-" + codec;
    Support.createTopic(admin, topic, PARTITIONS, Map.of());
    // Small batches, several in flight per partition: the sequence numbers and the broker's
    // duplicate window are exercised, not just one batch per request.
    var producer =
        new KafkaProducer<String, String>(
            Support.producerProps(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 4096,
                ProducerConfig.LINGER_MS_CONFIG, 2));
    Map<String, RecordMetadata> acked = new ConcurrentHashMap<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(RECORDS);
    List<List<String>> sentPerPartition = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; ++p) sentPerPartition.add(new ArrayList<>());
    try (producer) {
      for (int i = 0; i < RECORDS; ++i) {
        int partition = i % PARTITIONS;
        String key = "key-" + (i % 17);
        // Compressible, varied values: every codec has something to do.
        String value = codec + "-" + i + "-" + "abcdefgh".repeat(1 + i % 9);
        sentPerPartition.get(partition).add(value);
        producer.send(
            new ProducerRecord<>(topic, partition, key, value),
            (metadata, e) -> {
              if (e != null) failure.compareAndSet(null, e);
              else if (acked.put(value, metadata) != null)
                failure.compareAndSet(null, new IllegalStateException("acked twice: " + value));
              done.countDown();
            });
      }
      producer.flush();
      Support.check(done.await(30, TimeUnit.SECONDS), "%s: not every send completed", codec);
    }
    if (failure.get() != null) throw new AssertionError(codec + ": a send failed", failure.get());

    var read = Support.readAll(Support.partitions(topic, PARTITIONS), "read_uncommitted");
    int total = 0;
    for (int p = 0; p < PARTITIONS; ++p) {
      List<ConsumerRecord<String, String>> records = read.get(new TopicPartition(topic, p));
      List<String> values = Support.values(records);
      List<String> sent = sentPerPartition.get(p);
      if (!values.equals(sent)) {
        int first = 0;
        while (first < Math.min(values.size(), sent.size())
            && values.get(first).equals(sent.get(first))) ++first;
        throw new AssertionError(
            String.format(
                "%s partition %d: read %d records, sent %d; first difference at %d: read %s, sent %s",
                codec, p, values.size(), sent.size(), first,
                first < values.size() ? values.get(first) : "<end>",
                first < sent.size() ? sent.get(first) : "<end>"));
      }
      for (int i = 0; i < records.size(); ++i) {
        ConsumerRecord<String, String> r = records.get(i);
        RecordMetadata m = acked.get(r.value());
        Support.check(
            r.offset() == i && m.offset() == i && m.partition() == p,
            "%s partition %d: record %s at offset %d, acknowledged at %d:%d, expected offset %d",
            codec, p, r.value(), r.offset(), m.partition(), m.offset(), i);
        Support.check(
            r.key().equals("key-" + (Integer.parseInt(r.value().split("-")[1]) % 17)),
            "%s: record %s has key %s", codec, r.value(), r.key());
      }
      total += records.size();
    }
    Support.check(total == RECORDS, "%s: read %d records, sent %d", codec, total, RECORDS);
  }
}
