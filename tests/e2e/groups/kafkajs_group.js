// KafkaJS consumers in one group, driven by kafkajs_group_test.py.
//
//   node kafkajs_group.js <bootstrap> <topic> <group> split <count>
//     Three consumers split the topic's partitions; once the first <count> records are
//     consumed one of them leaves and the other two must take over its partitions; then
//     <count> more records are produced and consumed. Every record is committed as it is
//     consumed.
//   node kafkajs_group.js <bootstrap> <topic> <group> resume <count>
//     One consumer in the group consumes until it has <count> records, and a little longer to
//     catch any extra.
//
// Prints one JSON object: the records each consumer saw, the assignments it was given, and
// timings. Exits non-zero on a timeout. Every wait is bounded.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, groupId, mode, countArg] = process.argv.slice(2);
const count = Number(countArg);
const kafka = new Kafka({ clientId: 'kpk-e2e', brokers: [bootstrap], logLevel: logLevel.ERROR });

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(what, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

async function startConsumer(name) {
  const state = { name, records: [], assignments: [], current: [] };
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10000,
    rebalanceTimeout: 10000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 500,
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.current = (e.payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b);
    state.assignments.push(state.current);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      state.records.push([partition, Number(message.offset)]);
      await consumer.commitOffsets([
        { topic, partition, offset: String(Number(message.offset) + 1) },
      ]);
    },
  });
  return { consumer, state };
}

function covers(states, partitions) {
  const seen = [];
  for (const s of states) seen.push(...s.current);
  seen.sort((a, b) => a - b);
  return seen.length === partitions && seen.every((p, i) => p === i) &&
         states.every((s) => s.current.length > 0);
}

function consumed(states) {
  return states.reduce((n, s) => n + s.records.length, 0);
}

async function partitionCount() {
  const admin = kafka.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.disconnect();
  return meta.topics[0].partitions.length;
}

async function produce(n, start) {
  const partitions = await partitionCount();
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < n; i++) {
    messages.push({ partition: (start + i) % partitions, value: `v${start + i}` });
  }
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
  return partitions;
}

async function split() {
  const t0 = Date.now();
  const partitions = await partitionCount();
  const members = [];
  for (const name of ['a', 'b', 'c']) members.push(await startConsumer(name));
  const states = members.map((m) => m.state);
  await waitFor('three consumers to split the partitions', () => covers(states, partitions), 60000);
  const splitMs = Date.now() - t0;
  // Produced only once the split is done, so that every consumer has records to read: the
  // first consumer would otherwise read everything while it is still alone in the group.
  await produce(count, 0);
  await waitFor(`${count} records`, () => consumed(states) >= count, 60000);
  const t1 = Date.now();
  await members[2].consumer.disconnect();
  const rest = states.slice(0, 2);
  await waitFor('two consumers to take over', () => covers(rest, partitions), 60000);
  const takeoverMs = Date.now() - t1;
  await produce(count, count);
  await waitFor(`${2 * count} records`, () => consumed(states) >= 2 * count, 60000);
  await sleep(500);  // anything consumed twice would show up now
  for (const m of members.slice(0, 2)) await m.consumer.disconnect();
  return { partitions, splitMs, takeoverMs, consumers: states };
}

async function resume() {
  const member = await startConsumer('d');
  await waitFor(`${count} records`, () => member.state.records.length >= count, 60000);
  await sleep(1000);
  await member.consumer.disconnect();
  return { consumers: [member.state] };
}

const timer = setTimeout(() => {
  console.error('kafkajs_group.js: overall time limit reached');
  process.exit(3);
}, 150000);

(mode === 'split' ? split() : resume())
  .then((result) => {
    clearTimeout(timer);
    console.log(JSON.stringify(result));
    process.exit(0);
  })
  .catch((err) => {
    clearTimeout(timer);
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  });
