// KafkaJS idempotent producer: sends N records "js-<i>" one batch of 10 at a time.
// Usage: node idempotent_producer.js BOOTSTRAP TOPIC N
const { Kafka, logLevel } = require('kafkajs')

async function main () {
  const [bootstrap, topic, count] = process.argv.slice(2)
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, requestTimeout: 3000,
    retry: { retries: 10, initialRetryTime: 100 } })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const n = Number(count)
  for (let i = 0; i < n; i += 10) {
    const messages = []
    for (let j = i; j < Math.min(n, i + 10); j++) messages.push({ key: String(j % 5), value: `js-${j}` })
    await producer.send({ topic, acks: -1, messages })
  }
  await producer.disconnect()
}

main().catch(e => { console.error(e); process.exit(1) })
