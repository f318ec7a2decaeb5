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
    Support.start(args, 150);
    try (Admin admin = Support.admin()) {
      for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) {
        Support.scenario("idempotent_acks_all_" + codec, () -> produceAndReadBack(admin, codec));
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
