// Where Apache Kafka's Java producer (default partitioner) puts keyed records: sends keys
// key-0 .. key-(N-1) to the topic and prints one line, "placement p0,p1,...", the partition
// of each key in order, from the acknowledgements.

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

public final class KeyPlacement {
  public static void main(String[] args) throws Exception {
    Support.start(args, 100);
    String topic = args[1];
    int count = Integer.parseInt(args[2]);
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    try (var producer = new KafkaProducer<String, String>(Support.producerProps())) {
      for (int i = 0; i < count; ++i)
        sends.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "v" + i)));
      StringBuilder line = new StringBuilder("placement ");
      for (int i = 0; i < count; ++i) {
        if (i > 0) line.append(',');
        line.append(sends.get(i).get(30, TimeUnit.SECONDS).partition());
      }
      System.out.println(line);
    }
  }
}
