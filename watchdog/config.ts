/**
 * Watchdog configuration: one pure, strict, frozen function of (env, flags). Flags win over env;
 * unknown SNF_* keys and unparseable values are ConfigErrors (never a silent default). The
 * OpenFaaS names `max_inflight`, `write_timeout`, `port` are accepted as aliases. The README's
 * table is checked against ENV_KEYS by a test.
 */
import * as os from 'os';
import * as path from 'path';
import { ConfigError } from '../sdk/errors';

export interface WatchdogConfig {
  /** NF name or chain `a,b` (functions/index.ts); with `handler` set: that NF's name, or absent. */
  function: string;
  /** Module exporting the NetworkFunction to run (SNF_HANDLER; the snf-ts template); null = none. */
  handler: string | null;
  configFile: string | null;
  role: 'unit' | 'logger';
  /** This unit's id; UNIT_ID_FROM_GATEWAY (−1): learnt from the gateway's handshake (`SNF_UNIT_ID=gateway`). */
  unitId: number;
  host: string;
  listen: number;
  peerListen: number;
  /** Cluster token; '' in HTTP mode when none is given (that mode has no peers or data plane). */
  token: string;
  /** unit id → "host:port" of its StatePeer server. */
  peers: Readonly<Record<string, string>>;
  httpPort: number | null;
  idlePushUs: number;
  /** 1: a flow idle ≥ T/2 on the gateway's clock (PACKETS tsNs) is pushed after T/4 here (runtime/sweep.ts). */
  idleGatewayClock: number;
  sweepMs: number;
  /** 1: send TIMING frames and measure event-loop delay, GC and CPU for STATS (bench live). */
  timing: number;
  /** Synthetic packets run through the unit's code path before it announces itself (warm-up.ts; 0 = none). */
  warmUpPackets: number;
  pullDelayUs: number;
  pullRetryUs: number;
  pullWaitMs: number;
  holdTimeoutMs: number;
  evictMs: number;
  /** The gateway's maximum unit count (0 = not given: the NF runs as the only unit). */
  maxUnits: number;
  /** Where flow state goes between units: peer-to-peer (push/pull) or an external store (Redis). */
  stateStore: 'peer' | 'external';
  /** Namespace of this gateway run's keys in the external store. */
  stateNamespace: string;
  maxFrameBody: number;
  peerDeadlineMs: number;
  redisUrl: string;
  maxInflight: number;
  writeTimeoutMs: number;
  lockFile: string | null;
  logLevel: string;
  /** File descriptor for the ready record (proto/ready-record.ts); null = none. */
  readyFd: number | null;
  /** Unit: data-plane address (host:port) of its output logger; null = no logger (EGRESS straight to the gateway). */
  loggerAddress: string | null;
  /** Logger: `memory` (mirror only), `kafka:fast` (release, then append) or `kafka:strict` (append, then release). */
  loggerMode: 'memory' | 'kafka:fast' | 'kafka:strict';
  /** Logger: rebuild the mirror from the Kafka topic before serving (a replacement for a unit and logger both dead). */
  loggerRebuild: 'none' | 'kafka';
  /** Logger: Kafka bootstrap brokers. */
  kafkaBrokers: string;
}

/** cfg.unitId of a unit started with `SNF_UNIT_ID=gateway` (a Deployment's pod): the gateway assigns it. */
export const UNIT_ID_FROM_GATEWAY = -1;

type Kind = 'string' | 'int' | 'unitId' | 'port' | 'peers' | 'role' | 'duration' | 'lock' | 'store' | 'loggerMode' | 'rebuild';
interface KeySpec { field: keyof WatchdogConfig; kind: Kind; def: unknown; flag?: string; alias?: string; doc: string }

/** env name → spec. The README table lists exactly these names. */
export const ENV_KEYS: Readonly<Record<string, KeySpec>> = {
  SNF_FUNCTION: { field: 'function', kind: 'string', def: undefined, flag: 'function', doc: 'NF name (functions/<nf>) or a chain `a,b`; required unless SNF_HANDLER' },
  SNF_HANDLER: { field: 'handler', kind: 'string', def: null, flag: 'handler', doc: 'module (.js or .ts) exporting the NetworkFunction to run (the snf-ts template); SNF_FUNCTION, if set, must be its name' },
  SNF_CONFIG: { field: 'configFile', kind: 'string', def: null, flag: 'config', doc: 'NF configuration file (JSON); default: the NF defaults' },
  SNF_ROLE: { field: 'role', kind: 'role', def: 'unit', flag: 'role', doc: '`unit` or `logger`' },
  SNF_UNIT_ID: { field: 'unitId', kind: 'unitId', def: undefined, flag: 'unitId', doc: 'this unit id (0–32767), or `gateway`: take it from the first gateway handshake (a Deployment\'s pods; not with SNF_LOGGER or --role logger); required unless --http' },
  SNF_HOST: { field: 'host', kind: 'string', def: '127.0.0.1', doc: 'address the listeners bind to' },
  SNF_LISTEN: { field: 'listen', kind: 'port', def: 0, flag: 'listen', doc: 'data-plane TCP port (0 = any free port)' },
  SNF_PEER_LISTEN: { field: 'peerListen', kind: 'port', def: 0, flag: 'peerListen', doc: 'StatePeer gRPC port (0 = any)' },
  SNF_TOKEN: { field: 'token', kind: 'string', def: undefined, flag: 'token', doc: 'cluster token (data-plane handshake and gRPC metadata); required unless --http' },
  SNF_PEERS: { field: 'peers', kind: 'peers', def: {}, flag: 'peers', doc: '`id=host:port,…` StatePeer addresses (the gateway may also send a PEERS frame)' },
  SNF_HTTP_PORT: { field: 'httpPort', kind: 'port', def: null, flag: 'http', alias: 'port', doc: 'serve the of-watchdog HTTP baseline on this port instead' },
  SNF_IDLE_PUSH_US: { field: 'idlePushUs', kind: 'int', def: 250, doc: 'push a flow idle this long (T/2; paper T = 500 µs)' },
  SNF_IDLE_GATEWAY_CLOCK: { field: 'idleGatewayClock', kind: 'int', def: 1, doc: '1 = also count a flow\'s idle time on the gateway\'s clock (PACKETS tsNs): idle ≥ T/2 there and T/4 here is pushed (a unit that is behind pushes on time); 0 = this unit\'s clock only' },
  SNF_SWEEP_MS: { field: 'sweepMs', kind: 'int', def: 1, doc: 'coarse idle-sweep timer (batches also sweep)' },
  SNF_TIMING: { field: 'timing', kind: 'int', def: 0, doc: '1 = per-packet TIMING frames and event-loop/GC/CPU figures in STATS (`snf bench live`; costs one clock read and a 28-byte record per packet)' },
  SNF_WARMUP_PACKETS: { field: 'warmUpPackets', kind: 'int', def: 4096, doc: 'synthetic packets run through the NF and the frame code on scratch state before the ready record (warm-up; 0 = none)' },
  SNF_PULL_DELAY_US: { field: 'pullDelayUs', kind: 'int', def: 0, doc: 'wait for an in-flight push this long before pulling' },
  SNF_PULL_RETRY_US: { field: 'pullRetryUs', kind: 'int', def: 200, doc: 'delay before re-pulling a flow whose answer lacked the needed clock' },
  SNF_PULL_WAIT_MS: { field: 'pullWaitMs', kind: 'int', def: 1000, doc: 'how long a Pull answer may wait for the flow to reach the asked clock' },
  SNF_HOLD_TIMEOUT_MS: { field: 'holdTimeoutMs', kind: 'int', def: 1500, doc: 'give up on held packets after this long (counted stateLost)' },
  SNF_EVICT_MS: { field: 'evictMs', kind: 'int', def: 65000, doc: 'forget flows idle this long (must exceed the controller\'s flowIdleExpiry, 60 s; the gateway passes it)' },
  SNF_MAX_UNITS: { field: 'maxUnits', kind: 'int', def: 0, flag: 'maxUnits', doc: 'the gateway\'s max units (NF `create(config, {id, maxUnits})`; 0 = single unit)' },
  SNF_STATE: { field: 'stateStore', kind: 'store', def: 'peer', doc: '`peer` (push/pull between units) or `external` (Redis, read at flowlet start, written at T/2 idle)' },
  SNF_STATE_NS: { field: 'stateNamespace', kind: 'string', def: 'default', doc: 'external state: key namespace (one per gateway run)' },
  SNF_MAX_FRAME_BYTES: { field: 'maxFrameBody', kind: 'int', def: 1 << 20, doc: 'largest data-plane frame body accepted' },
  SNF_PEER_DEADLINE_MS: { field: 'peerDeadlineMs', kind: 'int', def: 2000, doc: 'gRPC deadline of Push/Pull calls (per request on the PullStream)' },
  SNF_REDIS_URL: { field: 'redisUrl', kind: 'string', def: 'redis://127.0.0.1:6379', alias: 'REDIS_URL', doc: 'Redis for the HTTP baseline state' },
  SNF_MAX_INFLIGHT: { field: 'maxInflight', kind: 'int', def: 0, alias: 'max_inflight', doc: 'HTTP: concurrent requests before 429 (0 = off)' },
  SNF_WRITE_TIMEOUT: { field: 'writeTimeoutMs', kind: 'duration', def: 10000, alias: 'write_timeout', doc: 'drain deadline on SIGTERM (ms, or `10s`)' },
  SNF_LOCK_FILE: { field: 'lockFile', kind: 'lock', def: path.join(os.tmpdir(), '.lock'), doc: 'HTTP: of-watchdog lock file (`off` for none)' },
  SNF_LOG_LEVEL: { field: 'logLevel', kind: 'string', def: 'info', doc: 'pino level' },
  SNF_READY_FD: { field: 'readyFd', kind: 'int', def: null, doc: 'write the ready record (proto/ready-record.ts) to this fd once listening; the local provider passes 3' },
  SNF_LOGGER: { field: 'loggerAddress', kind: 'string', def: null, flag: 'logger', doc: 'unit: `host:port` of its output logger (EGRESS goes through it); none = straight to the gateway' },
  SNF_LOGGER_MODE: { field: 'loggerMode', kind: 'loggerMode', def: 'memory', doc: 'logger: `memory`, `kafka:fast` or `kafka:strict`' },
  SNF_LOGGER_REBUILD: { field: 'loggerRebuild', kind: 'rebuild', def: 'none', doc: 'logger: `kafka` = rebuild the mirror from the topic before serving (unit and logger both died)' },
  SNF_KAFKA_BROKERS: { field: 'kafkaBrokers', kind: 'string', def: '127.0.0.1:9092', alias: 'KAFKA_BROKERS', doc: 'logger: Kafka bootstrap brokers (comma separated)' },
};

/** SNF_* names owned by other components, tolerated in a shared environment. */
const FOREIGN_PREFIXES = ['SNF_DATA', 'SNF_GATEWAY_', 'SNF_BENCH_', 'SNF_LOGGER_', 'SNF_KAFKA_', 'SNF_TEST_'];

function parseValue(name: string, spec: KeySpec, raw: string): unknown {
  const field = `${name}`;
  switch (spec.kind) {
    case 'string':
      if (raw === '') throw new ConfigError(field, 'must not be empty');
      return raw;
    case 'unitId':
      if (raw === 'gateway') return UNIT_ID_FROM_GATEWAY;
      if (!/^\d+$/.test(raw) || Number(raw) > 32767) throw new ConfigError(field, `want a unit id that must fit i16 (0–32767), or \`gateway\`, got ${JSON.stringify(raw)}`);
      return Number(raw);
    case 'int':
    case 'port': {
      if (!/^\d+$/.test(raw)) throw new ConfigError(field, `not a non-negative integer: ${JSON.stringify(raw)}`);
      const n = Number(raw);
      if (spec.kind === 'port' && n > 65535) throw new ConfigError(field, `port out of range: ${raw}`);
      return n;
    }
    case 'role':
      if (raw !== 'unit' && raw !== 'logger') throw new ConfigError(field, `must be unit or logger, got ${JSON.stringify(raw)}`);
      return raw;
    case 'duration': {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw);
      if (!m) throw new ConfigError(field, `not a duration: ${JSON.stringify(raw)}`);
      const v = Number(m[1]);
      return m[2] === 'ms' ? v : m[2] === 'm' ? v * 60000 : m[2] === 's' ? v * 1000 : v * 1000; // bare = seconds (OpenFaaS)
    }
    case 'store':
      if (raw !== 'peer' && raw !== 'external') throw new ConfigError(field, `must be peer or external, got ${JSON.stringify(raw)}`);
      return raw;
    case 'lock':
      return raw === 'off' ? null : raw;
    case 'loggerMode':
      if (raw !== 'memory' && raw !== 'kafka:fast' && raw !== 'kafka:strict') throw new ConfigError(field, `must be memory, kafka:fast or kafka:strict, got ${JSON.stringify(raw)}`);
      return raw;
    case 'rebuild':
      if (raw !== 'none' && raw !== 'kafka') throw new ConfigError(field, `must be none or kafka, got ${JSON.stringify(raw)}`);
      return raw;
    case 'peers': {
      const out: Record<string, string> = {};
      for (const part of raw.split(',').filter((s) => s.trim() !== '')) {
        const m = /^\s*(\d+)=([^\s:]+):(\d+)\s*$/.exec(part);
        if (!m || Number(m[3]) > 65535) throw new ConfigError(field, `bad peer ${JSON.stringify(part)} (want id=host:port)`);
        out[m[1]!] = `${m[2]}:${m[3]}`;
      }
      return Object.freeze(out);
    }
  }
}

/** `flags` are commander's camelCase options (strings). */
export function watchdogConfig(env: Readonly<Record<string, string | undefined>>, flags: Readonly<Record<string, string | undefined>> = {}): WatchdogConfig {
  for (const name of Object.keys(env)) {
    if (name.startsWith('SNF_') && !(name in ENV_KEYS) && !FOREIGN_PREFIXES.some((p) => name.startsWith(p))) {
      throw new ConfigError(name, 'unknown SNF_* setting (see watchdog/README.md)');
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(ENV_KEYS)) {
    const flag = spec.flag ? flags[spec.flag] : undefined;
    const raw = flag ?? env[name] ?? (spec.alias ? env[spec.alias] : undefined);
    const label = flag !== undefined ? `--${spec.flag}` : env[name] !== undefined ? name : spec.alias ?? name;
    out[spec.field] = raw === undefined ? spec.def : parseValue(label, spec, raw);
  }
  const cfg = out as unknown as WatchdogConfig;
  if (cfg.function === undefined && cfg.handler === null) throw new ConfigError('--function', 'required (or SNF_FUNCTION, or SNF_HANDLER)');
  if (cfg.token === undefined) {
    if (cfg.httpPort === null) throw new ConfigError('--token', 'required (or SNF_TOKEN)');
    cfg.token = '';
  }
  if (cfg.unitId === undefined) {
    if (cfg.httpPort === null) throw new ConfigError('--unit-id', 'required (or SNF_UNIT_ID)');
    cfg.unitId = 0;
  }
  if (cfg.unitId === UNIT_ID_FROM_GATEWAY && cfg.httpPort === null && (cfg.role === 'logger' || cfg.loggerAddress !== null)) {
    throw new ConfigError('SNF_UNIT_ID', '`gateway` is for compute units without an output logger (a logger and its unit share an id fixed at start)');
  }
  if (cfg.maxUnits > 0 && cfg.httpPort === null && cfg.unitId !== UNIT_ID_FROM_GATEWAY && (cfg.unitId < 1 || cfg.unitId > cfg.maxUnits)) {
    throw new ConfigError('SNF_MAX_UNITS', `unit id ${cfg.unitId} outside 1..${cfg.maxUnits}`);
  }
  if (cfg.loggerAddress !== null && !/^[^\s:]+:\d{1,5}$/.test(cfg.loggerAddress)) throw new ConfigError('SNF_LOGGER', `want host:port, got ${JSON.stringify(cfg.loggerAddress)}`);
  if (cfg.sweepMs < 1) throw new ConfigError('SNF_SWEEP_MS', 'must be at least 1');
  return Object.freeze(cfg);
}
