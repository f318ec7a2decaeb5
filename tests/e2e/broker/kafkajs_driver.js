// KafkaJS 2.2.4 driver for kafkajs_test.py: runs admin operations and a producer against the
// broker given as argv[2], then prints one JSON line with everything it saw. Assertions live in
// the Python test; this script only reports (and exits 1 on an unexpected exception).
const { Kafka, logLevel, CompressionTypes } = require('kafkajs')

const bootstrap = process.argv[2]
const BASE = 1670000000000

async function expectError (promise) {
  try {
    await promise
    return null
  } catch (e) {
    // KafkaJSAggregateError wraps per-topic errors; report the first protocol error type.
    const inner = (e.errors && e.errors[0]) || e
    return inner.type || inner.name || String(e)
  }
}

async function main () {
  const kafka = new Kafka({
    clientId: 'kpk-e2e',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
    connectionTimeout: 5000,
    requestTimeout: 10000
  })
  const out = {}
  const admin = kafka.admin()
  await admin.connect()

  // KafkaJS would wait for leaders of the topic validateOnly did not create.
  out.validateOnly = await admin.createTopics({
    validateOnly: true,
    waitForLeaders: false,
    topics: [{ topic: 'kjs-validate', numPartitions: 2 }]
  })
  out.created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'kjs', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '654321' }] },
      { topic: 'kjs-tmp', numPartitions: 1 }
    ]
  })
  out.createdAgain = await admin.createTopics({ topics: [{ topic: 'kjs', numPartitions: 3 }] })
  out.badReplication = await expectError(admin.createTopics({
    topics: [{ topic: 'kjs-rf', numPartitions: 1, replicationFactor: 2 }]
  }))
  out.topics = (await admin.listTopics()).sort()
  const metadata = await admin.fetchTopicMetadata({ topics: ['kjs'] })
  out.partitions = metadata.topics[0].partitions.map(p => [p.partitionId, p.leader]).sort()
  out.cluster = await admin.describeCluster()

  await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-tmp', count: 2 }] })
  out.tmpPartitions = (await admin.fetchTopicMetadata({ topics: ['kjs-tmp'] }))
    .topics[0].partitions.length

  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: 'kjs', configNames: ['retention.ms', 'cleanup.policy'] }]
  })
  out.configs = Object.fromEntries(
    described.resources[0].configEntries.map(e => [e.configName, e.configValue]))
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: 2, name: 'kjs', configEntries: [{ name: 'retention.ms', value: '111111' }] }]
  })
  const after = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: 'kjs', configNames: ['retention.ms'] }]
  })
  out.alteredRetention = after.resources[0].configEntries[0].configValue
  out.badConfig = await expectError(admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: 2, name: 'kjs', configEntries: [{ name: 'retention.ms', value: 'never' }] }]
  }))

  // Producer: keys, headers, timestamps, explicit partitions, acks=-1; then a gzip batch.
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const messages = []
  for (let i = 0; i < 300; i++) {
    messages.push({
      partition: i % 3,
      key: i % 10 === 0 ? null : `kjs-key-${i}`,
      value: `kjs value ${i}`,
      headers: { i: `${i}`, origin: 'kafkajs' },
      timestamp: `${BASE + i}`
    })
  }
  out.produced = await producer.send({ topic: 'kjs', acks: -1, messages })
  out.producedGzip = await producer.send({
    topic: 'kjs',
    acks: -1,
    compression: CompressionTypes.GZIP,
    messages: [0, 1, 2].map(i => ({ partition: 0, key: `gz-${i}`, value: `gzip value ${i}` }))
  })
  out.producedBatch = await producer.sendBatch({
    acks: 1,
    topicMessages: [{ topic: 'kjs-tmp', messages: [{ partition: 1, key: 'b', value: 'batch' }] }]
  })
  await producer.disconnect()

  out.offsets = (await admin.fetchTopicOffsets('kjs')).sort((a, b) => a.partition - b.partition)
  out.offsetsByTime = (await admin.fetchTopicOffsetsByTimestamp('kjs', BASE + 150))
    .sort((a, b) => a.partition - b.partition)
  await admin.deleteTopicRecords({ topic: 'kjs', partitions: [{ partition: 2, offset: '10' }] })
  out.afterDeleteRecords = (await admin.fetchTopicOffsets('kjs'))
    .sort((a, b) => a.partition - b.partition)
  await admin.deleteTopics({ topics: ['kjs-tmp'], timeout: 5000 })
  out.topicsAfterDelete = (await admin.listTopics()).sort()
  await admin.disconnect()
  console.log(JSON.stringify(out))
}

main().catch(e => {
  console.error(e)
  process.exit(1)
})
