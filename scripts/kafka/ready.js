#!/usr/bin/env node
// Exits 0 once the broker at $KAFKA_BROKERS is usable by a real client: metadata lists a
// registered broker and topics can be listed. An open port alone is not enough, since a
// KRaft broker listens before it has caught up with its controller.
// Usage: node scripts/kafka/ready.js [timeoutSeconds]
'use strict';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const timeoutMs = Number(process.argv[2] || 60) * 1000;
const deadline = Date.now() + timeoutMs;

async function probe() {
  const kafka = new Kafka({
    clientId: 'snf-services-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
    await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

(async () => {
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    try {
      await probe();
      process.exit(0);
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  console.error(`kafka: not usable at ${brokers.join(',')} after ${timeoutMs / 1000}s: ${lastError}`);
  process.exit(1);
})();
