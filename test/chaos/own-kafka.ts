/**
 * A Kafka broker of the test's own (single-node KRaft, free ports, its own data directory), from
 * the jars `bash scripts/services.sh up` installs under .snf/kafka/libs (SNF_KAFKA_LIBS to point
 * elsewhere), so a chaos test can stop and restart it without touching the shared broker at
 * KAFKA_BROKERS. Ready = a kafkajs admin lists topics.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../helpers/prometheus';

const ROOT = path.join(__dirname, '..', '..');

export interface OwnKafka {
  brokers: string;
  /** Graceful stop (SIGTERM), resolved when the process exited. */
  stop(): Promise<void>;
  /** Start again on the same ports and data; resolves when it answers. */
  start(): Promise<void>;
  /** Kill and remove the data directory. */
  destroy(): Promise<void>;
  log(): string;
}

export async function startOwnKafka(timeoutMs = 180_000): Promise<OwnKafka> {
  const libs = process.env.SNF_KAFKA_LIBS ?? path.join(ROOT, '.snf', 'kafka', 'libs');
  if (!fs.existsSync(libs) || !fs.readdirSync(libs).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) {
    throw new Error(`no Kafka jars in ${libs}: run bash scripts/services.sh up (or set SNF_KAFKA_LIBS)`);
  }
  const [port, ctl] = [await freePort(), await freePort()];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-own-kafka-'));
  const props = path.join(dir, 'server.properties');
  fs.writeFileSync(props, [
    'process.roles=broker,controller', 'node.id=1', `controller.quorum.voters=1@127.0.0.1:${ctl}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${ctl}`, `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name=PLAINTEXT', 'controller.listener.names=CONTROLLER', 'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${path.join(dir, 'data')}`, 'num.partitions=1', 'default.replication.factor=1', 'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=1', 'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1', 'transaction.state.log.num.partitions=1', 'group.initial.rebalance.delay.ms=0', '',
  ].join('\n'));
  const java = ['-Xms64m', '-Xmx256m', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true', '-cp', `${libs}/*`];
  const fmt = spawnSync('java', [...java, 'kafka.tools.StorageTool', 'format', '--config', props, '--cluster-id', 'c25mLW93bi1rYWZrYS0xMg', '--ignore-formatted'], { encoding: 'utf8' });
  if (fmt.status !== 0) throw new Error(`kafka storage format failed: ${fmt.stderr || fmt.stdout}`);
  const brokers = `127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let out = '';
  const ready = async (): Promise<void> => {
    const until = Date.now() + timeoutMs;
    const kafka = new Kafka({ clientId: 'own-kafka-ready', brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
    for (;;) {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return;
      } catch {
        if (Date.now() > until) throw new Error(`own Kafka at ${brokers} not ready in ${timeoutMs} ms: ${out.slice(-2000)}`);
        if (child === null || child.exitCode !== null) throw new Error(`own Kafka exited: ${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 250));
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
  };
  const start = async (): Promise<void> => {
    child = spawn('java', [...java, 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (s: Buffer): void => void (out = (out + s.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await ready();
  };
  const stop = async (): Promise<void> => {
    const c = child;
    if (c === null || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((r) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
      c.once('exit', () => (clearTimeout(t), r()));
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    brokers, stop, start,
    destroy: async () => {
      child?.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log: () => out.slice(-4000),
  };
}
