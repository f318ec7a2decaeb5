// KafkaJS 2.2.4 scenarios for capture_goldens.py; KafkaJS comes from tests/e2e (npm ci there).
//
//   node kafkajs_client.js BOOTSTRAP TOPIC GROUP COUNT produce|group|transaction
//
// produce: COUNT keyed messages to partition 0 with KafkaJS's default acks (-1). group: joins
// GROUP with a fast heartbeat, reads COUNT messages from the beginning (auto commit), leaves.
// transaction: one message in a committed transaction (FindCoordinator, InitProducerId,
// AddPartitionsToTxn, EndTxn). `idempotent` stays off: KafkaJS's idempotent producer sends
// InitProducerId to the controller, which the mock cluster reports as broker 0, a broker it
// does not have; the transaction gets its producer id from the coordinator instead. The client
// id is left at KafkaJS's default. Every step is bounded by a timeout.
'use strict';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const path = require('path');
const { Kafka, logLevel } = require(path.join(__dirname, '../../e2e/node_modules/kafkajs'));

const TIMEOUT_MS = 30000;

function withTimeout(promise, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), TIMEOUT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function produce(kafka, topic, count) {
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 1; i <= count; i++) {
    messages.push({ key: 'kafkajs-key', value: `kafkajs-message-${i}`, partition: 0 });
  }
  await producer.send({ topic, messages });
  await producer.disconnect();
}

async function transaction(kafka, topic, groupId) {
  const producer = kafka.producer({
    transactionalId: `${groupId}-txn`,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic, messages: [{ value: 'kafkajs-transactional', partition: 1 }] });
  await txn.commit();
  await producer.disconnect();
}

async function group(kafka, topic, groupId, count) {
  const consumer = kafka.consumer({ groupId, heartbeatInterval: 100, sessionTimeout: 10000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let got = 0;
  const done = new Promise((resolve) => {
    consumer.run({
      eachMessage: async () => {
        if (++got >= count) resolve();
      },
    });
  });
  await done;
  await new Promise((resolve) => setTimeout(resolve, 500));  // a few heartbeats
  await consumer.disconnect();
}

async function main() {
  const [boot, topic, groupId, count, mode] = process.argv.slice(2);
  const kafka = new Kafka({ brokers: boot.split(','), logLevel: logLevel.WARN });
  const scenarios = {
    produce: () => produce(kafka, topic, Number(count)),
    group: () => group(kafka, topic, groupId, Number(count)),
    transaction: () => transaction(kafka, topic, groupId),
  };
  await withTimeout(scenarios[mode](), mode);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`kafkajs: ${err.message}`);
    process.exit(1);
  });
