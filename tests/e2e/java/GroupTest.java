// The Java consumer in classic consumer groups against kpk: manual commits, seek, pause/resume,
// and three members (range, then cooperative-sticky) through a join and a leave while records
// keep coming. Members commit after processing and before giving partitions up, so every record
// must be consumed exactly once and the group's committed offsets must end at the log ends.

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

public final class GroupTest {
  static final int PARTITIONS = 6;
  static final int BATCH = 300; // records per production round, spread over the partitions
  static final Duration WAIT = Duration.ofSeconds(30);

  public static void main(String[] args) throws Exception {
    Support.start(args, 170);
    try (Admin admin = Support.admin()) {
      Support.scenario("manual_commit_seek_pause_resume", () -> manual(admin));
      Support.scenario("three_members_range", () -> threeMembers(admin, "range"));
      Support.scenario("three_members_cooperative_sticky",
          () -> threeMembers(admin, "cooperative-sticky"));
      Support.scenario("static_members", () -> staticMembers(admin));
    }
  }

  static void produce(String topic, int partitions, int from, int count) {
    try (var p = new KafkaProducer<String, String>(Support.producerProps("acks", "all",
        "linger.ms", 5))) {
      for (int i = from; i < from + count; ++i)
        p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
      p.flush();
    }
  }

  static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> c,
      String what, java.util.function.Predicate<List<ConsumerRecord<String, String>>> done) {
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.test(got)) {
      Support.check(System.nanoTime() < deadline, "timed out waiting for %s; got %d records",
          what, got.size());
      c.poll(Duration.ofMillis(100)).forEach(got::add);
    }
    return got;
  }

  static long count(List<ConsumerRecord<String, String>> records, int partition) {
    return records.stream().filter(r -> r.partition() == partition).count();
  }

  static void manual(Admin admin) throws Exception {
    String topic = "g-manual";
    Support.createTopic(admin, topic, 2, Map.of());
    produce(topic, 2, 0, 40); // 20 per partition
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    var c = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.GROUP_ID_CONFIG, "g-manual", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 7));
    try (c) {
      // Paused as soon as assigned, before any fetch: nothing of p1 may arrive until resumed.
      c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          if (partitions.contains(p1)) c.pause(List.of(p1));
        }
      });
      var got = pollUntil(c, "20 records of partition 0", r -> count(r, 0) >= 20);
      long deadline = System.nanoTime() + 500_000_000L; // and nothing more for a while
      while (System.nanoTime() < deadline) c.poll(Duration.ofMillis(100)).forEach(got::add);
      Support.check(count(got, 1) == 0 && count(got, 0) == 20,
          "while partition 1 was paused: %d records of p0, %d of p1", count(got, 0),
          count(got, 1));
      Support.check(c.paused().equals(Set.of(p1)), "paused %s", c.paused());
      for (int i = 0; i < 20; ++i)
        Support.check(got.get(i).offset() == i, "p0 record %d at offset %d", i, got.get(i).offset());

      c.commitSync(Map.of(p0, new OffsetAndMetadata(10, "half")));
      c.resume(List.of(p1));
      got = pollUntil(c, "20 records of partition 1", r -> count(r, 1) >= 20);
      Support.check(count(got, 0) == 0, "p0 records after its end: %s", got);
      for (int i = 0; i < 20; ++i)
        Support.check(got.get(i).offset() == i && got.get(i).value().equals("v" + (2 * i + 1)),
            "p1 record %d: %s", i, got.get(i));

      c.seek(p0, 5);
      got = pollUntil(c, "p0 again from offset 5", r -> count(r, 0) >= 15);
      Support.check(got.get(0).offset() == 5 && got.get(0).partition() == 0
              && got.get(14).offset() == 19,
          "after seek(p0, 5): first %s, 15th %s", got.get(0), got.get(14));
      Support.check(c.committed(Set.of(p0)).get(p0).offset() == 10
              && c.committed(Set.of(p0)).get(p0).metadata().equals("half"),
          "committed p0 %s", c.committed(Set.of(p0)));

      // An async commit, then the positions (20, 20) synchronously.
      var asyncResult = new java.util.concurrent.CompletableFuture<Exception>();
      OffsetCommitCallback callback = (offsets, e) -> asyncResult.complete(e);
      c.commitAsync(Map.of(p1, new OffsetAndMetadata(12)), callback);
      c.commitSync();
      Support.check(asyncResult.getNow(new RuntimeException("not completed")) == null,
          "commitAsync: %s", asyncResult.getNow(null));
      var committed = c.committed(Set.of(p0, p1));
      Support.check(committed.get(p0).offset() == 20 && committed.get(p1).offset() == 20,
          "committed after commitSync(): %s", committed);

      c.seekToBeginning(List.of(p1));
      Support.check(c.position(p1) == 0, "position after seekToBeginning %d", c.position(p1));
      c.commitSync(Map.of(p0, new OffsetAndMetadata(15), p1, new OffsetAndMetadata(18)));
    }
    // A new member of the group starts at the committed offsets.
    try (var c2 = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.GROUP_ID_CONFIG, "g-manual"))) {
      c2.subscribe(List.of(topic));
      var got = pollUntil(c2, "the rest of both partitions", r -> r.size() >= 7);
      Map<Integer, Long> first = new HashMap<>();
      got.forEach(r -> first.putIfAbsent(r.partition(), r.offset()));
      Support.check(got.size() == 7 && first.equals(Map.of(0, 15L, 1, 18L)),
          "resumed at %s with %d records", first, got.size());
    }
  }

  /** One group member on its own thread. */
  static final class Member implements Runnable, ConsumerRebalanceListener {
    final String name;
    final KafkaConsumer<String, String> consumer;
    final Map<String, String> consumed; // "partition:offset" -> member, shared by all members
    final List<String> errors;
    final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    final List<Set<TopicPartition>> revocations = new CopyOnWriteArrayList<>();
    final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    volatile boolean stop;
    final Thread thread;

    Member(String name, String topic, String assignor, Map<String, String> consumed,
        List<String> errors) {
      this(name, topic, assignor, consumed, errors, null);
    }

    // With `instanceId`, a static member (KIP-345).
    Member(String name, String topic, String assignor, Map<String, String> consumed,
        List<String> errors, String instanceId) {
      this.name = name;
      this.consumed = consumed;
      this.errors = errors;
      Properties props = Support.consumerProps(
          ConsumerConfig.GROUP_ID_CONFIG, topic,
          ConsumerConfig.CLIENT_ID_CONFIG, name,
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          assignor.equals("range") ? RangeAssignor.class.getName()
              : CooperativeStickyAssignor.class.getName(),
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 40,
          ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300,
          ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10000);
      if (instanceId != null) props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
      consumer = new KafkaConsumer<>(props);
      consumer.subscribe(List.of(topic), this);
      thread = new Thread(this, name);
      thread.start();
    }

    @Override
    public void run() {
      try {
        while (!stop) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
          for (ConsumerRecord<String, String> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (!owned.contains(tp)) errors.add(name + " got " + r + " of a partition it does not own");
            String before = consumed.putIfAbsent(r.partition() + ":" + r.offset(), name);
            if (before != null)
              errors.add(name + " consumed " + r.partition() + ":" + r.offset() + " again (first by "
                  + before + ")");
            pending.put(tp, new OffsetAndMetadata(r.offset() + 1));
          }
          commitPending(pending.keySet());
        }
        commitPending(pending.keySet());
        if (!pending.isEmpty()) errors.add(name + " left without committing " + pending);
        consumer.close(Duration.ofSeconds(10));
      } catch (Throwable t) {
        errors.add(name + ": " + t);
        t.printStackTrace();
        consumer.close(Duration.ofSeconds(5));
      }
    }

    // Commits after processing. A commit refused because a rebalance started is kept and made
    // again in onPartitionsRevoked (eager) or after the rejoin (cooperative keeps the partitions).
    void commitPending(Collection<TopicPartition> parts) {
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition tp : parts) if (pending.containsKey(tp)) offsets.put(tp, pending.get(tp));
      if (offsets.isEmpty()) return;
      try {
        consumer.commitSync(offsets, Support.CALL);
        offsets.keySet().forEach(pending::remove);
      } catch (RebalanceInProgressException e) {
        // retried later
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      revocations.add(new HashSet<>(partitions));
      commitPending(new ArrayList<>(partitions));
      for (TopicPartition tp : partitions) {
        if (pending.remove(tp) != null) errors.add(name + " gave up " + tp + " uncommitted");
        owned.remove(tp);
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      owned.addAll(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      errors.add(name + " lost " + partitions + " (fenced)");
      partitions.forEach(owned::remove);
      partitions.forEach(pending::remove);
    }

    void leave() throws InterruptedException {
      stop = true;
      thread.join(20000);
      Support.check(!thread.isAlive(), "%s did not stop", name);
    }
  }

  static void threeMembers(Admin admin, String assignor) throws Exception {
    String topic = "g-" + assignor;
    Support.createTopic(admin, topic, PARTITIONS, Map.of());
    Map<String, String> consumed = new ConcurrentHashMap<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Member> members = new ArrayList<>();
    try {
      produce(topic, PARTITIONS, 0, BATCH);
      members.add(new Member(assignor + "-1", topic, assignor, consumed, errors));
      members.add(new Member(assignor + "-2", topic, assignor, consumed, errors));
      waitForAssignment(members, errors, "two members");
      produce(topic, PARTITIONS, BATCH, BATCH);

      members.add(new Member(assignor + "-3", topic, assignor, consumed, errors));
      waitForAssignment(members, errors, "three members");
      Support.check(members.stream().allMatch(m -> m.owned.size() == 2),
          "three members do not own two partitions each: %s", owners(members));
      produce(topic, PARTITIONS, 2 * BATCH, BATCH);
      Support.waitUntil("half the records consumed", WAIT, () -> consumed.size() >= 2 * BATCH);

      Member leaving = members.remove(0);
      int revocationsBefore2 = members.get(0).revocations.size();
      int revocationsBefore3 = members.get(1).revocations.size();
      leaving.leave();
      waitForAssignment(members, errors, "two members after a leave");
      produce(topic, PARTITIONS, 3 * BATCH, BATCH);
      Support.waitUntil("every record consumed", WAIT, () -> consumed.size() >= 4 * BATCH
          || !errors.isEmpty());
      Support.check(errors.isEmpty(), "%s", errors);
      if (assignor.equals("cooperative-sticky")) {
        // Incremental rebalancing: the members that stay keep what they had.
        var after2 = members.get(0).revocations.subList(revocationsBefore2,
            members.get(0).revocations.size());
        var after3 = members.get(1).revocations.subList(revocationsBefore3,
            members.get(1).revocations.size());
        Support.check(after2.stream().allMatch(Set::isEmpty)
                && after3.stream().allMatch(Set::isEmpty),
            "cooperative members had partitions revoked when another left: %s, %s", after2,
            after3);
      }

      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(topic)).describedGroups()
          .get(topic).get(Support.CALL.toSeconds(), TimeUnit.SECONDS);
      Support.check(d.groupState() == GroupState.STABLE && d.members().size() == 2
              && d.partitionAssignor().equals(assignor),
          "group %s", d);
      for (Member m : members) m.leave();
      members.clear();
      Support.check(errors.isEmpty(), "%s", errors);

      // Exactly once: every offset of every partition, nothing else.
      Set<String> expected = new HashSet<>();
      for (int p = 0; p < PARTITIONS; ++p)
        for (int o = 0; o < 4 * BATCH / PARTITIONS; ++o) expected.add(p + ":" + o);
      Support.check(consumed.keySet().equals(expected), "consumed %d records, expected %d",
          consumed.size(), expected.size());
      var committed = admin.listConsumerGroupOffsets(topic).partitionsToOffsetAndMetadata()
          .get(Support.CALL.toSeconds(), TimeUnit.SECONDS);
      for (TopicPartition tp : Support.partitions(topic, PARTITIONS))
        Support.check(committed.get(tp) != null
                && committed.get(tp).offset() == 4 * BATCH / PARTITIONS,
            "committed offset of %s: %s", tp, committed.get(tp));
    } finally {
      for (Member m : members) {
        m.stop = true;
        m.thread.join(20000);
      }
    }
  }

  // Static members (KIP-345): one restarts within its session and gets its partitions back
  // without a rebalance; then the Admin API removes it and the other member takes everything.
  static void staticMembers(Admin admin) throws Exception {
    String topic = "g-static";
    Support.createTopic(admin, topic, 4, Map.of());
    Map<String, String> consumed = new ConcurrentHashMap<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    List<Member> members = new ArrayList<>();
    try {
      produce(topic, 4, 0, 200);
      members.add(new Member("static-1", topic, "range", consumed, errors, "instance-1"));
      members.add(new Member("static-2", topic, "range", consumed, errors, "instance-2"));
      waitForAssignment(members, errors, "two static members", 4);
      Support.waitUntil("the first 200 records", WAIT, () -> consumed.size() >= 200);
      Member first = members.get(0);
      Member second = members.get(1);
      Set<TopicPartition> firstOwned = new HashSet<>(first.owned);
      Set<TopicPartition> secondOwned = new HashSet<>(second.owned);
      int secondRevocations = second.revocations.size();
      first.leave(); // a static member's close does not leave the group
      members.set(0, new Member("static-1b", topic, "range", consumed, errors, "instance-1"));
      waitForAssignment(members, errors, "the restarted static member", 4);
      Support.check(members.get(0).owned.equals(firstOwned), "restarted with %s, had %s",
          members.get(0).owned, firstOwned);
      Support.check(second.owned.equals(secondOwned)
              && second.revocations.size() == secondRevocations,
          "the other member was rebalanced: owns %s, had %s; revocations %s", second.owned,
          secondOwned, second.revocations);
      produce(topic, 4, 200, 200);
      Support.waitUntil("400 records", WAIT, () -> consumed.size() >= 400 || !errors.isEmpty());

      members.remove(0).leave();
      admin.removeMembersFromConsumerGroup(topic,
              new org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions(List.of(
                  new org.apache.kafka.clients.admin.MemberToRemove("instance-1"))))
          .all().get(Support.CALL.toSeconds(), TimeUnit.SECONDS);
      // Well before the 10 s session timeout would have dropped it.
      Support.waitUntil("the other member owning all", Duration.ofSeconds(6),
          () -> second.owned.size() == 4 || !errors.isEmpty());
      produce(topic, 4, 400, 200);
      Support.waitUntil("600 records", WAIT, () -> consumed.size() >= 600 || !errors.isEmpty());
      members.remove(0).leave();
      Support.check(errors.isEmpty(), "%s", errors);
      Support.check(consumed.size() == 600, "consumed %d of 600", consumed.size());
    } finally {
      for (Member m : members) {
        m.stop = true;
        m.thread.join(20000);
      }
    }
  }

  static String owners(List<Member> members) {
    StringBuilder s = new StringBuilder();
    for (Member m : members) s.append(m.name).append("=").append(m.owned).append(" ");
    return s.toString();
  }

  // Every partition owned by exactly one of `members`, and each member owns at least one.
  static void waitForAssignment(List<Member> members, List<String> errors, String what)
      throws InterruptedException {
    waitForAssignment(members, errors, what, PARTITIONS);
  }

  static void waitForAssignment(List<Member> members, List<String> errors, String what,
      int partitions) throws InterruptedException {
    try {
      Support.waitUntil(what + " sharing the partitions", WAIT, () -> {
        if (!errors.isEmpty()) return true;
        int total = 0;
        Set<TopicPartition> all = new HashSet<>();
        for (Member m : members) {
          Set<TopicPartition> owned = new HashSet<>(m.owned);
          if (owned.isEmpty()) return false;
          total += owned.size();
          all.addAll(owned);
        }
        return total == partitions && all.size() == partitions;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; owners: " + owners(members));
    }
    Support.check(errors.isEmpty(), "%s", errors);
  }
}
