// KafkaJS transactions: commits "commit-<i>" three times, aborts "abort-<i>" in between.
// Usage: node transactions.js BOOTSTRAP TOPIC
const { Kafka, logLevel } = require('kafkajs')

async function main () {
  const [bootstrap, topic] = process.argv.slice(2)
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ transactionalId: 'tx-js', idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  for (let i = 0; i < 3; i++) {
    const abort = await producer.transaction()
    await abort.send({ topic, messages: [{ value: `abort-${i}` }] })
    await abort.abort()
    const commit = await producer.transaction()
    await commit.send({ topic, messages: [{ value: `commit-${i}` }] })
    await commit.commit()
  }
  await producer.disconnect()
}

main().catch(e => { console.error(e); process.exit(1) })
