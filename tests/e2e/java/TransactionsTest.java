// The Java transactional producer against kpk: read_committed consumers see committed records
// only (aborted ones are skipped, open ones held back), a new instance fences the old one, and a
// consume-transform-produce loop with sendOffsetsToTransaction is exactly-once across aborts and
// a crash of the loop.

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

public final class TransactionsTest {
  static final int ROUNDS = 6;
  static final int PER_ROUND = 20;
  static final int CTP_PARTITIONS = 3;
  static final int CTP_RECORDS = 300;

  public static void main(String[] args) throws Exception {
    Support.start(args, 150);
    try (Admin admin = Support.admin()) {
      Support.scenario("read_committed_skips_aborted", () -> commitAndAbort(admin));
      Support.scenario("fencing", () -> fencing(admin));
      Support.scenario("timeout_aborts_stalled_transaction", () -> timeout(admin));
      Support.scenario("pending_offsets_hold_back_a_new_consumer", () -> pendingOffsets(admin));
      Support.scenario("consume_transform_produce", () -> consumeTransformProduce(admin));
      if (args.length > 1 && args[1].equals("restarts")) {
        Support.scenario("open_transaction_across_broker_restart", () -> acrossRestart(admin));
      }
    }
  }

  static KafkaProducer<String, String> transactional(String id) {
    var p = new KafkaProducer<String, String>(Support.producerProps(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 20000,
        ProducerConfig.LINGER_MS_CONFIG, 2));
    p.initTransactions();
    return p;
  }

  static void commitAndAbort(Admin admin) throws Exception {
    String topic = "tx-out";
    Support.createTopic(admin, topic, 2, Map.of());
    List<TopicPartition> parts = Support.partitions(topic, 2);
    Map<TopicPartition, List<String>> committed = new HashMap<>();
    parts.forEach(tp -> committed.put(tp, new ArrayList<>()));
    try (var p = transactional("tx-a")) {
      for (int round = 0; round < ROUNDS; ++round) {
        p.beginTransaction();
        for (int i = 0; i < PER_ROUND; ++i) {
          String value = "r" + round + "-" + i;
          p.send(new ProducerRecord<>(topic, i % 2, null, value));
          if (round % 2 == 0) committed.get(parts.get(i % 2)).add(value);
        }
        p.flush(); // the aborted records reach the log: read_committed must skip them
        if (round % 2 == 0) p.commitTransaction();
        else p.abortTransaction();
      }
      var seen = Support.readAll(parts, "read_committed");
      for (TopicPartition tp : parts)
        Support.check(Support.values(seen.get(tp)).equals(committed.get(tp)),
            "read_committed %s: %s, expected %s", tp, Support.values(seen.get(tp)),
            committed.get(tp));
      var everything = Support.readAll(parts, "read_uncommitted");
      int total = everything.values().stream().mapToInt(List::size).sum();
      Support.check(total == ROUNDS * PER_ROUND, "read_uncommitted saw %d records", total);

      // An open transaction holds read_committed readers back at the last stable offset.
      p.beginTransaction();
      p.send(new ProducerRecord<>(topic, 0, null, "pending"));
      p.flush();
      seen = Support.readAll(parts, "read_committed");
      Support.check(!Support.values(seen.get(parts.get(0))).contains("pending"),
          "read_committed saw a record of an open transaction");
      p.commitTransaction();
      seen = Support.readAll(parts, "read_committed");
      List<String> p0 = Support.values(seen.get(parts.get(0)));
      Support.check(p0.get(p0.size() - 1).equals("pending"), "after commit: %s", p0);
    }
  }

  static void fencing(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("tx-out", 1);
    var old = transactional("tx-fence");
    try {
      old.beginTransaction();
      old.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "zombie"));
      old.flush();
      try (var current = transactional("tx-fence")) { // aborts the old transaction
        try {
          old.commitTransaction();
          throw new AssertionError("the fenced producer could still commit");
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
          // expected
        } catch (KafkaException e) {
          Support.check(e.getCause() instanceof ProducerFencedException
                  || e.getCause() instanceof InvalidProducerEpochException,
              "the fenced producer's commit failed with %s", e);
        }
        current.beginTransaction();
        current.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "current"));
        current.commitTransaction();
      }
    } finally {
      old.close(Duration.ZERO);
    }
    List<String> seen = Support.values(Support.readAll(List.of(tp), "read_committed").get(tp));
    Support.check(!seen.contains("zombie") && seen.get(seen.size() - 1).equals("current"),
        "read_committed after fencing: %s", seen);
  }

  // A producer that dies inside a transaction and never comes back: the coordinator aborts the
  // transaction when its timeout runs out, and read_committed readers move past it.
  static void timeout(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("tx-out", 0);
    var stalled = new KafkaProducer<String, String>(Support.producerProps(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-stalled",
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1500));
    try {
      stalled.initTransactions();
      stalled.beginTransaction();
      stalled.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "stalled"));
      stalled.flush();
    } finally {
      stalled.close(Duration.ZERO); // no EndTxn
    }
    try (var c = new KafkaConsumer<String, String>(Support.consumerProps(
        "isolation.level", "read_committed"))) {
      long highWatermark;
      try (var u = new KafkaConsumer<String, String>(Support.consumerProps())) {
        highWatermark = u.endOffsets(List.of(tp)).get(tp);
      }
      // The abort marker follows the record: the stable offset passes the old high watermark.
      Support.waitUntil("the stalled transaction aborted", Duration.ofSeconds(15),
          () -> c.endOffsets(List.of(tp)).get(tp) > highWatermark);
    }
    List<String> seen = Support.values(Support.readAll(List.of(tp), "read_committed").get(tp));
    Support.check(!seen.contains("stalled"), "read_committed saw the timed-out record");
    try (var next = transactional("tx-stalled")) { // the id is usable again
      next.beginTransaction();
      next.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "after-timeout"));
      next.commitTransaction();
    }
    seen = Support.values(Support.readAll(List.of(tp), "read_committed").get(tp));
    Support.check(seen.get(seen.size() - 1).equals("after-timeout"), "after the timeout: %s",
        seen);
  }

  // KIP-447: while a transaction has staged a group's offsets, a read_committed consumer of that
  // group asks for stable offsets and must wait, then start where the transaction commits, not
  // from the offsets it replaces (which would process those records a second time).
  static void pendingOffsets(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("tx-out", 1);
    try (var p = transactional("tx-offsets")) {
      p.beginTransaction();
      p.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(5)),
          new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("pending-g"));
      p.send(new ProducerRecord<>("tx-out", 0, null, "with-offsets")).get();
      var started = new java.util.concurrent.CompletableFuture<Long>();
      Thread consumer = new Thread(() -> {
        try (var c = new KafkaConsumer<String, String>(Support.consumerProps(
            ConsumerConfig.GROUP_ID_CONFIG, "pending-g",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
          c.assign(List.of(tp));
          long deadline = System.nanoTime() + Support.CALL.toNanos();
          while (!started.isDone() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
              started.complete(r.offset());
              break;
            }
          }
        } catch (Throwable t) {
          started.completeExceptionally(t);
        }
      });
      consumer.start();
      Thread.sleep(1500); // the consumer asks for its offsets while they are pending
      Support.check(!started.isDone(), "a consumer started at %s while the group's offsets were "
          + "pending in a transaction", started.getNow(null));
      p.commitTransaction();
      long first = started.get(Support.CALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      consumer.join(10000);
      Support.check(first == 5, "the consumer started at offset %d, the transaction committed 5",
          first);
    }
  }

  // kpk is persistent: a transaction open when the broker stops (SIGTERM) is still open after
  // the restart, with its partitions and staged offsets, and the same producer commits it.
  static void acrossRestart(Admin admin) throws Exception {
    Support.createTopic(admin, "tx-restart", 2, Map.of());
    List<TopicPartition> parts = Support.partitions("tx-restart", 2);
    TopicPartition input = new TopicPartition("tx-out", 0);
    try (var p = new KafkaProducer<String, String>(Support.producerProps(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-restart",
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60000,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 60000,
        ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
      p.initTransactions();
      p.beginTransaction();
      for (int i = 0; i < 10; ++i) p.send(new ProducerRecord<>("tx-restart", i % 2, null, "a" + i));
      p.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(3)),
          new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("restart-g"));
      p.flush();
      var stdin = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
      System.out.println("@restart stop");
      System.out.flush();
      Support.check(stdin.readLine() != null, "the driver did not answer");
      var seen = Support.readAll(parts, "read_committed");
      Support.check(seen.values().stream().allMatch(List::isEmpty),
          "read_committed saw an open transaction's records after the restart: %s", seen);
      for (int i = 10; i < 20; ++i) p.send(new ProducerRecord<>("tx-restart", i % 2, null, "a" + i));
      p.commitTransaction();
    }
    var seen = Support.readAll(parts, "read_committed");
    List<String> all = new ArrayList<>();
    seen.values().forEach(records -> all.addAll(Support.values(records)));
    Support.check(all.size() == 20, "read_committed after the commit: %s", all);
    var offsets = admin.listConsumerGroupOffsets("restart-g").partitionsToOffsetAndMetadata()
        .get(Support.CALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    Support.check(offsets.get(input) != null && offsets.get(input).offset() == 3,
        "the transaction's offsets after the restart: %s", offsets);
  }

  /** One instance of the loop; returns the number of transactions it committed. */
  static int loop(Set<String> inputTopics, int maxTransactions, boolean crash) throws Exception {
    var consumer = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.GROUP_ID_CONFIG, "ctp",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 25,
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10000));
    var producer = transactional("ctp-tx");
    int transactions = 0;
    int committedTransactions = 0;
    try {
      consumer.subscribe(inputTopics);
      List<TopicPartition> in = Support.partitions("ctp-in", CTP_PARTITIONS);
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (transactions < maxTransactions) {
        Support.check(System.nanoTime() < deadline, "the loop made %d transactions",
            transactions);
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          if (consumer.assignment().size() == CTP_PARTITIONS && in.stream().allMatch(
              tp -> consumer.position(tp) >= CTP_RECORDS / CTP_PARTITIONS)) break; // all done
          continue;
        }
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
          producer.send(new ProducerRecord<>("ctp-out", r.partition(), r.key(),
              "T(" + r.value() + ")"));
          offsets.put(new TopicPartition(r.topic(), r.partition()),
              new OffsetAndMetadata(r.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        ++transactions;
        if (crash && transactions == maxTransactions) {
          producer.flush(); // its records are in the log, its transaction open: then it dies
          return committedTransactions;
        }
        if (transactions % 4 == 3) {
          producer.abortTransaction();
          // Aborted: the input is processed again, from the last committed offsets.
          var committed = consumer.committed(consumer.assignment());
          for (TopicPartition tp : consumer.assignment()) {
            OffsetAndMetadata o = committed.get(tp);
            if (o != null) consumer.seek(tp, o.offset());
            else consumer.seekToBeginning(List.of(tp));
          }
        } else {
          producer.commitTransaction();
          ++committedTransactions;
        }
      }
      return committedTransactions;
    } finally {
      // A crash of the producer (no EndTxn); the consumer leaves the group so that the next
      // instance need not wait for its session to time out.
      producer.close(crash ? Duration.ZERO : Duration.ofSeconds(10));
      consumer.close(Duration.ofSeconds(10));
    }
  }

  static void consumeTransformProduce(Admin admin) throws Exception {
    Support.createTopic(admin, "ctp-in", CTP_PARTITIONS, Map.of());
    Support.createTopic(admin, "ctp-out", CTP_PARTITIONS, Map.of());
    try (var p = new KafkaProducer<String, String>(Support.producerProps())) {
      for (int i = 0; i < CTP_RECORDS; ++i)
        p.send(new ProducerRecord<>("ctp-in", i % CTP_PARTITIONS, "k" + i, "in-" + i));
      p.flush();
    }
    int first = loop(Set.of("ctp-in"), 6, true); // crashes inside its sixth transaction
    Support.check(first >= 3, "the first instance committed %d transactions", first);
    loop(Set.of("ctp-in"), 1000, false); // fences the first one's transaction, finishes

    List<TopicPartition> out = Support.partitions("ctp-out", CTP_PARTITIONS);
    Map<String, Integer> seen = new TreeMap<>();
    var read = Support.readAll(out, "read_committed");
    for (TopicPartition tp : out) {
      for (ConsumerRecord<String, String> r : read.get(tp)) {
        seen.merge(r.value(), 1, Integer::sum);
        int i = Integer.parseInt(r.key().substring(1));
        Support.check(i % CTP_PARTITIONS == tp.partition(), "%s in partition %s", r, tp);
      }
    }
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < CTP_RECORDS; ++i) {
      Integer n = seen.remove("T(in-" + i + ")");
      if (n == null || n != 1) wrong.add("in-" + i + " x" + n);
    }
    Support.check(wrong.isEmpty() && seen.isEmpty(),
        "not exactly once: %d inputs seen other than once (%s), unexpected outputs %s",
        wrong.size(), wrong.subList(0, Math.min(10, wrong.size())), seen);
    int uncommitted = Support.readAll(out, "read_uncommitted").values().stream()
        .mapToInt(List::size).sum();
    Support.check(uncommitted > CTP_RECORDS, "aborted outputs are not in the log (%d records)",
        uncommitted);
    var offsets = admin.listConsumerGroupOffsets("ctp").partitionsToOffsetAndMetadata()
        .get(Support.CALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    for (TopicPartition tp : Support.partitions("ctp-in", CTP_PARTITIONS))
      Support.check(offsets.get(tp) != null
              && offsets.get(tp).offset() == CTP_RECORDS / CTP_PARTITIONS,
          "committed input offset of %s: %s", tp, offsets.get(tp));
  }
}
