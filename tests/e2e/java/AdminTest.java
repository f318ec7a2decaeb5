// The Java AdminClient against kpk: topics (create, describe, delete, partitions), the cluster,
// configs (describe, incremental alter), offsets by timestamp, DeleteRecords, and consumer groups
// (list, describe, offsets: list, alter, delete; delete the group).

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

public final class AdminTest {
  static final long T0 = 1_700_000_000_000L;

  public static void main(String[] args) throws Exception {
    Support.start(args, 100);
    try (Admin admin = Support.admin()) {
      Support.scenario("cluster", () -> cluster(admin));
      Support.scenario("topics", () -> topics(admin));
      Support.scenario("configs", () -> configs(admin));
      Support.scenario("list_offsets_and_delete_records", () -> offsets(admin));
      Support.scenario("consumer_groups", () -> groups(admin));
      Support.scenario("transactions", () -> transactions(admin));
      Support.scenario("log_dirs", () -> logDirs(admin));
      Support.scenario("delete_topics", () -> deleteTopics(admin));
    }
  }

  static <T> T get(KafkaFuture<T> future) throws Exception {
    return future.get(Support.CALL.toSeconds(), TimeUnit.SECONDS);
  }

  static Throwable failure(KafkaFuture<?> future) throws Exception {
    try {
      get(future);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  static void cluster(Admin admin) throws Exception {
    DescribeClusterResult c = admin.describeCluster();
    Collection<Node> nodes = get(c.nodes());
    Support.check(nodes.size() == 1, "describeCluster: nodes %s", nodes);
    Node node = nodes.iterator().next();
    Support.check(
        Support.bootstrap.equals(node.host() + ":" + node.port()),
        "describeCluster: node %s is not at the bootstrap %s", node, Support.bootstrap);
    Node controller = get(c.controller());
    Support.check(controller != null && controller.id() == node.id(), "controller %s", controller);
    String id = get(c.clusterId());
    Support.check(id != null && !id.isEmpty(), "cluster id %s", id);
  }

  static Node theNode(Admin admin) throws Exception {
    return get(admin.describeCluster().nodes()).iterator().next();
  }

  static void topics(Admin admin) throws Exception {
    Support.createTopic(admin, "admin-a", 3, Map.of("retention.ms", "3600000"));
    Support.createTopic(admin, "admin-b", 1, Map.of());
    Throwable again =
        failure(
            admin
                .createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("admin-a", 1,
                    (short) 1)))
                .all());
    Support.check(again instanceof TopicExistsException, "creating admin-a again: %s", again);
    get(admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("admin-v", 2,
        (short) 1)), new org.apache.kafka.clients.admin.CreateTopicsOptions().validateOnly(true))
        .all());
    Set<String> names = Support.topicNames(admin);
    Support.check(!names.contains("admin-v"), "validateOnly created the topic: %s", names);
    Support.check(names.containsAll(Set.of("admin-a", "admin-b")), "listTopics: %s", names);

    Node node = theNode(admin);
    Map<String, TopicDescription> described =
        get(admin.describeTopics(List.of("admin-a", "admin-b")).allTopicNames());
    TopicDescription a = described.get("admin-a");
    Support.check(a.partitions().size() == 3 && !a.isInternal() && a.topicId() != null
            && !a.topicId().equals(org.apache.kafka.common.Uuid.ZERO_UUID),
        "describeTopics admin-a: %s", a);
    a.partitions().forEach(p -> Support.check(
        p.leader() != null && p.leader().id() == node.id() && p.replicas().size() == 1
            && p.isr().size() == 1,
        "admin-a partition %s", p));
    Support.check(described.get("admin-b").partitions().size() == 1, "admin-b: %s",
        described.get("admin-b"));
    // By topic id as well (Metadata v12 names topics by id).
    TopicDescription byId = get(admin.describeTopics(
        org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(a.topicId())))
        .allTopicIds()).get(a.topicId());
    Support.check(byId.name().equals("admin-a"), "describeTopics by id: %s", byId);

    get(admin.createPartitions(Map.of("admin-b", NewPartitions.increaseTo(2))).all());
    TopicDescription b = get(admin.describeTopics(List.of("admin-b")).allTopicNames()).get(
        "admin-b");
    Support.check(b.partitions().size() == 2, "after createPartitions: %s", b);
  }

  static Config describe(Admin admin, ConfigResource resource) throws Exception {
    return get(admin.describeConfigs(List.of(resource)).all()).get(resource);
  }

  static void configs(Admin admin) throws Exception {
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "admin-a");
    Config config = describe(admin, topic);
    ConfigEntry retention = config.get("retention.ms");
    Support.check(retention != null && retention.value().equals("3600000")
            && retention.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
        "retention.ms of admin-a: %s", retention);
    ConfigEntry cleanup = config.get("cleanup.policy");
    Support.check(cleanup != null && cleanup.value().equals("delete") && cleanup.isDefault(),
        "cleanup.policy of admin-a: %s", cleanup);

    get(admin.incrementalAlterConfigs(Map.of(topic, List.of(
        new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
        new AlterConfigOp(new ConfigEntry("max.message.bytes", "200000"),
            AlterConfigOp.OpType.SET)))).all());
    config = describe(admin, topic);
    Support.check(config.get("retention.ms").value().equals("7200000")
            && config.get("max.message.bytes").value().equals("200000"),
        "after SET: retention.ms %s, max.message.bytes %s", config.get("retention.ms"),
        config.get("max.message.bytes"));

    get(admin.incrementalAlterConfigs(Map.of(topic, List.of(
        new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE),
        new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"),
            AlterConfigOp.OpType.APPEND)))).all());
    config = describe(admin, topic);
    Support.check(config.get("retention.ms").isDefault()
            && config.get("retention.ms").value().equals("604800000"),
        "after DELETE: retention.ms %s", config.get("retention.ms"));
    Support.check(config.get("cleanup.policy").value().equals("delete,compact"),
        "after APPEND: cleanup.policy %s", config.get("cleanup.policy"));
    get(admin.incrementalAlterConfigs(Map.of(topic, List.of(
        new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"),
            AlterConfigOp.OpType.SUBTRACT)))).all());
    Support.check(describe(admin, topic).get("cleanup.policy").value().equals("delete"),
        "after SUBTRACT: cleanup.policy %s", describe(admin, topic).get("cleanup.policy"));

    Throwable bad = failure(admin.incrementalAlterConfigs(Map.of(topic, List.of(
        new AlterConfigOp(new ConfigEntry("retention.ms", "not-a-number"),
            AlterConfigOp.OpType.SET)))).all());
    Support.check(bad instanceof org.apache.kafka.common.errors.InvalidConfigurationException
            || bad instanceof org.apache.kafka.common.errors.InvalidRequestException,
        "an invalid value: %s", bad);

    // A cluster-wide dynamic default reaches topics without an override.
    ConfigResource cluster = new ConfigResource(ConfigResource.Type.BROKER, "");
    get(admin.incrementalAlterConfigs(Map.of(cluster, List.of(new AlterConfigOp(
        new ConfigEntry("log.retention.ms", "86400000"), AlterConfigOp.OpType.SET)))).all());
    // (Kafka reports its source as DYNAMIC_DEFAULT_BROKER_CONFIG; kpk says DEFAULT_CONFIG and
    // gives no broker synonyms yet, so only the value is checked.)
    ConfigEntry inherited = describe(admin, topic).get("retention.ms");
    Support.check(inherited.value().equals("86400000"),
        "retention.ms under a cluster default: %s", inherited);
    get(admin.incrementalAlterConfigs(Map.of(cluster, List.of(new AlterConfigOp(
        new ConfigEntry("log.retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all());
    Support.check(describe(admin, topic).get("retention.ms").value().equals("604800000"),
        "retention.ms after the default is deleted: %s", describe(admin, topic).get(
            "retention.ms"));

    ConfigResource broker =
        new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(theNode(admin).id()));
    Config brokerConfig = describe(admin, broker);
    ConfigEntry partitions = brokerConfig.get("num.partitions");
    Support.check(partitions != null && partitions.value().equals("1"), "broker num.partitions: %s",
        partitions);
  }

  static void offsets(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("admin-a", 0);
    try (var producer = new KafkaProducer<String, String>(Support.producerProps())) {
      for (int i = 0; i < 10; ++i)
        producer.send(new ProducerRecord<>("admin-a", 0, T0 + i * 1000L, "k" + i, "v" + i));
      producer.flush();
    }
    Support.check(listOffset(admin, tp, OffsetSpec.earliest()).offset() == 0, "earliest");
    Support.check(listOffset(admin, tp, OffsetSpec.latest()).offset() == 10, "latest");
    ListOffsetsResult.ListOffsetsResultInfo at =
        listOffset(admin, tp, OffsetSpec.forTimestamp(T0 + 3500));
    Support.check(at.offset() == 4 && at.timestamp() == T0 + 4000,
        "forTimestamp(T0+3500): %s", at);
    at = listOffset(admin, tp, OffsetSpec.forTimestamp(T0));
    Support.check(at.offset() == 0 && at.timestamp() == T0, "forTimestamp(T0): %s", at);
    at = listOffset(admin, tp, OffsetSpec.forTimestamp(T0 + 60_000));
    Support.check(at.offset() == -1, "forTimestamp past the last record: %s", at);
    at = listOffset(admin, tp, OffsetSpec.maxTimestamp());
    Support.check(at.offset() == 9 && at.timestamp() == T0 + 9000, "maxTimestamp: %s", at);

    var deleted = get(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5)))
        .lowWatermarks().get(tp));
    Support.check(deleted.lowWatermark() == 5, "deleteRecords low watermark %d",
        deleted.lowWatermark());
    Support.check(listOffset(admin, tp, OffsetSpec.earliest()).offset() == 5,
        "earliest after deleteRecords");
    at = listOffset(admin, tp, OffsetSpec.forTimestamp(T0));
    Support.check(at.offset() == 5, "forTimestamp(T0) after deleteRecords: %s", at);
    var read = Support.readAll(List.of(tp), "read_uncommitted").get(tp);
    Support.check(Support.values(read).equals(List.of("v5", "v6", "v7", "v8", "v9")),
        "after deleteRecords read %s", Support.values(read));
    compressedBatchTimestamps(admin);
    // Deleting up to the high watermark (-1) empties the partition.
    deleted = get(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1)))
        .lowWatermarks().get(tp));
    Support.check(deleted.lowWatermark() == 10, "deleteRecords(-1) low watermark %d",
        deleted.lowWatermark());
  }

  // One gzip batch of ten records whose timestamps are not in offset order: lookups must name
  // the record inside the batch, not the batch.
  static void compressedBatchTimestamps(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("admin-a", 1);
    int[] seconds = {0, 1, 2, 3, 4, 5, 9, 6, 7, 8};
    try (var producer = new KafkaProducer<String, String>(Support.producerProps(
        "compression.type", "gzip", "linger.ms", 1000, "batch.size", 65536))) {
      for (int i = 0; i < seconds.length; ++i)
        producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), T0 + seconds[i] * 1000L,
            "k" + i, "v" + i));
      producer.flush();
    }
    ListOffsetsResult.ListOffsetsResultInfo at =
        listOffset(admin, tp, OffsetSpec.forTimestamp(T0 + 3500));
    Support.check(at.offset() == 4 && at.timestamp() == T0 + 4000,
        "compressed batch, forTimestamp(T0+3500): %s", at);
    at = listOffset(admin, tp, OffsetSpec.forTimestamp(T0 + 8500));
    Support.check(at.offset() == 6 && at.timestamp() == T0 + 9000,
        "compressed batch, forTimestamp(T0+8500): %s", at);
    at = listOffset(admin, tp, OffsetSpec.maxTimestamp());
    Support.check(at.offset() == 6 && at.timestamp() == T0 + 9000,
        "compressed batch, maxTimestamp: %s", at);
    // The consumer's view of the same lookups.
    try (var c = new KafkaConsumer<String, String>(Support.consumerProps())) {
      var found = c.offsetsForTimes(Map.of(tp, T0 + 6500), Support.CALL).get(tp);
      Support.check(found != null && found.offset() == 6, "offsetsForTimes(T0+6500): %s", found);
      Support.check(c.beginningOffsets(List.of(tp)).get(tp) == 0
              && c.endOffsets(List.of(tp)).get(tp) == 10,
          "beginning/end offsets %s %s", c.beginningOffsets(List.of(tp)),
          c.endOffsets(List.of(tp)));
    }
  }

  // A transaction seen through the Admin API: listTransactions, describeTransactions,
  // describeProducers, then fenceProducers ends it.
  static void transactions(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition("admin-b", 0);
    var producer = new KafkaProducer<String, String>(Support.producerProps(
        "transactional.id", "admin-tx", "transaction.timeout.ms", 30000));
    try {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, "in-txn"));
      producer.flush();
      var listed = get(admin.listTransactions().all());
      Support.check(listed.stream().anyMatch(t -> t.transactionalId().equals("admin-tx")
              && t.state() == org.apache.kafka.clients.admin.TransactionState.ONGOING),
          "listTransactions: %s", listed);
      var described = get(admin.describeTransactions(List.of("admin-tx")).all()).get("admin-tx");
      Support.check(described.state() == org.apache.kafka.clients.admin.TransactionState.ONGOING
              && described.topicPartitions().equals(Set.of(tp))
              && described.transactionTimeoutMs() == 30000,
          "describeTransactions: %s", described);
      var producers = get(admin.describeProducers(List.of(tp)).partitionResult(tp))
          .activeProducers();
      Support.check(producers.stream().anyMatch(s -> s.producerId() == described.producerId()
              && s.currentTransactionStartOffset().isPresent()),
          "describeProducers: %s (transaction of producer %d)", producers,
          described.producerId());
      get(admin.fenceProducers(List.of("admin-tx")).all());
      try {
        producer.commitTransaction();
        throw new AssertionError("a fenced producer committed");
      } catch (org.apache.kafka.common.errors.ProducerFencedException
          | org.apache.kafka.common.errors.InvalidProducerEpochException e) {
        // expected
      } catch (org.apache.kafka.common.KafkaException e) {
        Support.check(e.getCause() instanceof org.apache.kafka.common.errors.ProducerFencedException
                || e.getCause() instanceof org.apache.kafka.common.errors.InvalidProducerEpochException,
            "commit after fenceProducers: %s", e);
      }
    } finally {
      producer.close(Duration.ZERO);
    }
    Support.waitUntil("admin-tx aborted", Duration.ofSeconds(10), () -> {
      try {
        var d = get(admin.describeTransactions(List.of("admin-tx")).all()).get("admin-tx");
        return d.state() == org.apache.kafka.clients.admin.TransactionState.COMPLETE_ABORT
            || d.state() == org.apache.kafka.clients.admin.TransactionState.EMPTY;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    var read = Support.readAll(List.of(tp), "read_committed").get(tp);
    Support.check(!Support.values(read).contains("in-txn"), "read_committed saw the fenced record");
  }

  static void logDirs(Admin admin) throws Exception {
    int node = theNode(admin).id();
    var dirs = get(admin.describeLogDirs(List.of(node)).allDescriptions()).get(node);
    Support.check(dirs != null && dirs.size() == 1, "describeLogDirs: %s", dirs);
    var dir = dirs.values().iterator().next();
    var replica = dir.replicaInfos().get(new TopicPartition("admin-b", 0));
    Support.check(dir.error() == null && replica != null && replica.size() > 0,
        "describeLogDirs admin-b-0: %s", dir);
  }

  static ListOffsetsResult.ListOffsetsResultInfo listOffset(Admin admin, TopicPartition tp,
      OffsetSpec spec) throws Exception {
    return get(admin.listOffsets(Map.of(tp, spec)).partitionResult(tp));
  }

  static void groups(Admin admin) throws Exception {
    List<TopicPartition> parts = Support.partitions("admin-b", 2);
    try (var producer = new KafkaProducer<String, String>(Support.producerProps())) {
      for (int i = 0; i < 20; ++i) producer.send(new ProducerRecord<>("admin-b", i % 2, null,
          "v" + i));
      producer.flush();
    }
    var consumer = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.GROUP_ID_CONFIG, "admin-g", ConsumerConfig.CLIENT_ID_CONFIG, "admin-c"));
    try (consumer) {
      consumer.subscribe(List.of("admin-b"));
      int seen = 0;
      long deadline = System.nanoTime() + Support.CALL.toNanos();
      while (seen < 20) {
        Support.check(System.nanoTime() < deadline, "consumed %d of 20", seen);
        seen += consumer.poll(Duration.ofMillis(200)).count();
      }
      consumer.commitSync(Map.of(parts.get(0), new OffsetAndMetadata(10, "meta-0"),
          parts.get(1), new OffsetAndMetadata(7)));

      ConsumerGroupDescription d = describeGroup(admin, "admin-g");
      Support.check(d.groupState() == GroupState.STABLE && d.members().size() == 1
              && d.partitionAssignor().equals("range") && !d.isSimpleConsumerGroup(),
          "describeConsumerGroups while consuming: %s", d);
      var member = d.members().iterator().next();
      Support.check(member.clientId().equals("admin-c")
              && member.assignment().topicPartitions().equals(Set.copyOf(parts)),
          "member %s", member);
      Collection<ConsumerGroupListing> listed = get(admin.listConsumerGroups().all());
      Support.check(listed.stream().anyMatch(g -> g.groupId().equals("admin-g")
              && g.groupState().orElse(null) == GroupState.STABLE),
          "listConsumerGroups: %s", listed);
      Throwable busy = failure(admin.deleteConsumerGroups(List.of("admin-g")).all());
      Support.check(busy instanceof org.apache.kafka.common.errors.GroupNotEmptyException,
          "deleting a group with a member: %s", busy);
    }
    ConsumerGroupDescription d = describeGroup(admin, "admin-g");
    Support.check(d.groupState() == GroupState.EMPTY && d.members().isEmpty(),
        "describeConsumerGroups after close: %s", d);
    Collection<GroupListing> all = get(admin.listGroups().all());
    Support.check(all.stream().anyMatch(g -> g.groupId().equals("admin-g")
            && g.protocol().equals("consumer")),
        "listGroups: %s", all);

    Map<TopicPartition, OffsetAndMetadata> offsets =
        get(admin.listConsumerGroupOffsets("admin-g").partitionsToOffsetAndMetadata());
    // Several groups in one OffsetFetch (v8), one of them unknown, one limited to a partition.
    try (var other = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.GROUP_ID_CONFIG, "admin-g2"))) {
      other.commitSync(Map.of(parts.get(1), new OffsetAndMetadata(2)));
    }
    var spec1 = new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec();
    var spec2 = new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec()
        .topicPartitions(List.of(parts.get(1)));
    var several = get(admin.listConsumerGroupOffsets(Map.of("admin-g", spec1, "admin-g2", spec2,
        "admin-none", new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec())).all());
    Support.check(several.get("admin-g").get(parts.get(0)).offset() == 10
            && several.get("admin-g2").equals(Map.of(parts.get(1), new OffsetAndMetadata(2)))
            && several.get("admin-none").isEmpty(),
        "listConsumerGroupOffsets of several groups: %s", several);
    var groups = get(admin.describeConsumerGroups(List.of("admin-g", "admin-g2")).all());
    Support.check(groups.get("admin-g2").groupState() == GroupState.EMPTY
            && groups.get("admin-g2").members().isEmpty(),
        "describeConsumerGroups of two groups: %s", groups);
    Support.check(offsets.get(parts.get(0)).offset() == 10
            && offsets.get(parts.get(0)).metadata().equals("meta-0")
            && offsets.get(parts.get(1)).offset() == 7,
        "listConsumerGroupOffsets: %s", offsets);

    get(admin.alterConsumerGroupOffsets("admin-g",
        Map.of(parts.get(0), new OffsetAndMetadata(3), parts.get(1), new OffsetAndMetadata(4)))
        .all());
    offsets = get(admin.listConsumerGroupOffsets("admin-g").partitionsToOffsetAndMetadata());
    Support.check(offsets.get(parts.get(0)).offset() == 3 && offsets.get(parts.get(1)).offset() == 4,
        "after alterConsumerGroupOffsets: %s", offsets);
    // A new member starts at the altered offsets.
    try (var consumer2 = new KafkaConsumer<String, String>(Support.consumerProps(
        ConsumerConfig.GROUP_ID_CONFIG, "admin-g"))) {
      consumer2.subscribe(List.of("admin-b"));
      Map<Integer, Long> first = new java.util.HashMap<>();
      long deadline = System.nanoTime() + Support.CALL.toNanos();
      while (first.size() < 2) {
        Support.check(System.nanoTime() < deadline, "first offsets seen: %s", first);
        for (ConsumerRecord<String, String> r : consumer2.poll(Duration.ofMillis(200)))
          first.putIfAbsent(r.partition(), r.offset());
      }
      Support.check(first.equals(Map.of(0, 3L, 1, 4L)), "resumed at %s", first);
    }

    get(admin.deleteConsumerGroupOffsets("admin-g", Set.of(parts.get(1))).all());
    offsets = get(admin.listConsumerGroupOffsets("admin-g").partitionsToOffsetAndMetadata());
    Support.check(offsets.keySet().equals(Set.of(parts.get(0))),
        "after deleteConsumerGroupOffsets: %s", offsets);

    get(admin.deleteConsumerGroups(List.of("admin-g")).all());
    Collection<ConsumerGroupListing> listed = get(admin.listConsumerGroups().all());
    Support.check(listed.stream().noneMatch(g -> g.groupId().equals("admin-g")),
        "listConsumerGroups after delete: %s", listed);
    Throwable gone = failure(admin.deleteConsumerGroups(List.of("admin-g")).all());
    Support.check(gone instanceof GroupIdNotFoundException, "deleting it again: %s", gone);
  }

  static ConsumerGroupDescription describeGroup(Admin admin, String group) throws Exception {
    return get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
  }

  static void deleteTopics(Admin admin) throws Exception {
    get(admin.deleteTopics(List.of("admin-a")).all());
    Support.waitUntil("admin-a gone from listTopics", Duration.ofSeconds(10), () -> {
      try {
        return !Support.topicNames(admin).contains("admin-a");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Throwable gone = failure(admin.describeTopics(List.of("admin-a")).allTopicNames());
    Support.check(gone instanceof UnknownTopicOrPartitionException, "describing admin-a: %s",
        gone);
    Throwable again = failure(admin.deleteTopics(List.of("admin-a")).all());
    Support.check(again instanceof UnknownTopicOrPartitionException, "deleting admin-a again: %s",
        again);
    // By topic id (DeleteTopics v6; the Java client leaves the name at its default).
    Support.createTopic(admin, "admin-c", 1, Map.of());
    var id = get(admin.describeTopics(List.of("admin-c")).allTopicNames()).get("admin-c")
        .topicId();
    get(admin.deleteTopics(org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(id))).all());
    Support.waitUntil("admin-c gone from listTopics", Duration.ofSeconds(10), () -> {
      try {
        return !Support.topicNames(admin).contains("admin-c");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Throwable unknownId = failure(admin.deleteTopics(
        org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(id))).all());
    Support.check(unknownId instanceof org.apache.kafka.common.errors.UnknownTopicIdException,
        "deleting an unknown topic id: %s", unknownId);
    Set<String> left = Support.topicNames(admin).stream()
        .filter(n -> n.startsWith("admin-")).collect(Collectors.toSet());
    Support.check(left.equals(Set.of("admin-b")), "topics left: %s", left);
  }
}
