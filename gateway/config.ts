/**
 * `snf gateway` configuration: one pure, strict, frozen function of (env, flags) in the style of
 * watchdog/config.ts. Flags win over env; unknown SNF_GATEWAY_* keys and unparseable values are
 * ConfigErrors naming the key or flag (never a silent default). Other SNF_* names belong to the
 * units or other components and are left alone. The table in the top-level README.md
 * ("Gateway configuration") lists exactly ENV_KEYS; a test checks it.
 */
import { ConfigError } from '../sdk/errors';
import { defaultGatewayOptions, type GatewayOptions } from './options';
import { parseRunMode } from './modes';
import { parseAlertsTarget } from './alerts/alert-sink';
import { DEFAULT_LINK_MAX_QUEUED } from './units/unit-link';

/** Upper bound of SNF_GATEWAY_LINK_MAX_QUEUED (the pending table holds 2^18 packets by default). */
const MAX_LINK_QUEUED = 1 << 20;

type Kind = 'string' | 'int' | 'count' | 'units0' | 'ms' | 'port' | 'optPort' | 'number' | 'fraction' | 'mode' | 'nfTime' | 'egress' | 'words' | 'alerts' | 'logger';
type Field =
  | 'function' | 'token' | 'configFile' | 'host' | 'listen' | 'udp' | 'udpEgress' | 'mode' | 'timeoutUs' | 'sizeBytes'
  | 'alpha' | 'minUnits' | 'maxUnits' | 'nfTime' | 'unitNodeFlags' | 'alerts' | 'metricsPort' | 'logger' | 'capacityBps' | 'ofWatchdog'
  | 'checkpoint' | 'checkpointMs' | 'warmupPackets' | 'standbyUnits' | 'linkMaxQueued';
interface KeySpec { field: Field; kind: Kind; def: unknown; flag?: string; alias?: string; doc: string; /** `count`: the largest value accepted (default 10 000 000). */ max?: number }

/** env name → spec. The README table lists exactly these names. */
export const ENV_KEYS: Readonly<Record<string, KeySpec>> = Object.freeze({
  SNF_GATEWAY_FUNCTION: { field: 'function', kind: 'string', def: undefined, flag: 'function', doc: 'NF the units run (functions/<nf>), or a chain `a,b` run in order in each unit; required' },
  SNF_GATEWAY_TOKEN: { field: 'token', kind: 'string', def: undefined, flag: 'token', alias: 'SNF_TOKEN', doc: 'cluster token (unit handshake, replayer stream); required' },
  SNF_GATEWAY_CONFIG: { field: 'configFile', kind: 'string', def: undefined, flag: 'config', doc: 'NF configuration file passed to the units' },
  SNF_GATEWAY_HOST: { field: 'host', kind: 'string', def: '127.0.0.1', doc: 'address the gateway and its units bind to' },
  SNF_GATEWAY_LISTEN: { field: 'listen', kind: 'port', def: 7070, flag: 'listen', doc: 'replayer stream port (0 = any free port)' },
  SNF_GATEWAY_UDP: { field: 'udp', kind: 'optPort', def: null, flag: 'udp', doc: 'UDP ingress port, one raw IPv4 packet per datagram (default: off)' },
  SNF_GATEWAY_METRICS_PORT: { field: 'metricsPort', kind: 'optPort', def: null, flag: 'metricsPort', doc: 'Prometheus /metrics and /healthz port (gateway/metrics/; 0 = any free port; default: off)' },
  SNF_GATEWAY_UDP_EGRESS: { field: 'udpEgress', kind: 'egress', def: null, flag: 'udpEgress', doc: 'egress for UDP ingress: `udp:<host>:<port>` or `pcap:<file>` (default: counted and dropped)' },
  SNF_GATEWAY_MODE: { field: 'mode', kind: 'mode', def: 'flowlet', flag: 'mode', doc: 'run mode `<assignment>[/<state>]` (gateway/modes.ts), e.g. `flowlet/reactive`, `smartflow:50`, `packet`' },
  SNF_GATEWAY_TIMEOUT_US: { field: 'timeoutUs', kind: 'number', def: undefined, flag: 'timeoutUs', doc: 'flowlet timeout T in µs (default: the LIVE profile, 20 000); units push at T/2' },
  SNF_GATEWAY_SIZE_BYTES: { field: 'sizeBytes', kind: 'number', def: undefined, flag: 'sizeBytes', doc: 'flowlet size threshold B in bytes (default: 15 000)' },
  SNF_GATEWAY_ALPHA: { field: 'alpha', kind: 'fraction', def: undefined, flag: 'alpha', doc: 'balancing knob α in [0, 1] (default: 0.25)' },
  SNF_GATEWAY_CAPACITY_BPS: { field: 'capacityBps', kind: 'number', def: undefined, flag: 'capacityBps', doc: 'per-unit capacity in bits/s the controller packs flowlets against (default: 1e9)' },
  SNF_GATEWAY_OF_WATCHDOG: { field: 'ofWatchdog', kind: 'string', def: undefined, flag: 'ofWatchdog', doc: '`packet` mode: path of the real of-watchdog binary run (http mode) in front of each `snf watchdog --http` unit; one unit at most (of-watchdog binds :8081). Default: units are `snf watchdog --http` alone' },
  SNF_GATEWAY_MIN_UNITS: { field: 'minUnits', kind: 'int', def: 1, flag: 'minUnits', doc: 'units started at once and never retired below (1–32767)' },
  SNF_GATEWAY_MAX_UNITS: { field: 'maxUnits', kind: 'int', def: 8, flag: 'maxUnits', doc: 'upper bound on units (1–32767)' },
  SNF_GATEWAY_STANDBY_UNITS: { field: 'standbyUnits', kind: 'units0', def: undefined, flag: 'standbyUnits', doc: 'warm standby units (0–32767): started and up beyond the units taking work, given no flowlets until one fits nowhere, then promoted at once and replaced; they count against the max units and are paid for (`snf_units{state="standby"}`). Default: the LIVE profile, 1; ignored in `packet` mode' },
  SNF_GATEWAY_NF_TIME: { field: 'nfTime', kind: 'nfTime', def: 'arrival', flag: 'nfTime', doc: '`arrival` or `source`: ctx.nowNs is the gateway arrival or the replayer stamp' },
  SNF_GATEWAY_ALERTS: { field: 'alerts', kind: 'alerts', def: '', flag: 'alerts', doc: 'IDS alerts as EVE JSON lines: `stdout`, `file:<path>`, `kafka[:topic]` or `off` (default: `kafka:snf-alerts` when KAFKA_BROKERS is set, else stdout)' },
  SNF_GATEWAY_LOGGER: { field: 'logger', kind: 'logger', def: 'off', flag: 'logger', doc: 'output logger per unit: `off`, `memory`, `kafka:fast` (release, then append) or `kafka:strict` (append, then release); Kafka from KAFKA_BROKERS' },
  SNF_GATEWAY_CHECKPOINT: { field: 'checkpoint', kind: 'string', def: null, flag: 'checkpoint', doc: 'checkpoint the flow table, units and loggers to Redis (REDIS_URL) under this key prefix, and resume from the checkpoint there at start (gateway/checkpoint/; needs --logger ≠ off; default: off)' },
  SNF_GATEWAY_CHECKPOINT_MS: { field: 'checkpointMs', kind: 'ms', def: 20, flag: 'checkpointMs', doc: 'checkpoint flush interval in ms (1–60000)' },
  SNF_GATEWAY_WARMUP_PACKETS: { field: 'warmupPackets', kind: 'count', def: 8192, doc: 'synthetic packets run through scratch copies of the dispatch path before ingress opens, so the first real packets meet compiled code (gateway/dispatch/warm-up.ts; 0 = none)' },
  SNF_GATEWAY_LINK_MAX_QUEUED: { field: 'linkMaxQueued', kind: 'count', max: MAX_LINK_QUEUED, def: DEFAULT_LINK_MAX_QUEUED, doc: `link backpressure: packets a unit may have queued (sent, not yet drained or held for state) before the gateway holds its frames back and the controller gives it no new flowlet (0–${MAX_LINK_QUEUED}; 0 = no bound)` },
  SNF_GATEWAY_UNIT_NODE_FLAGS: { field: 'unitNodeFlags', kind: 'words', def: Object.freeze([]), doc: 'extra node flags for unit processes, space-separated (e.g. `--max-old-space-size=512`)' },
} satisfies Record<string, KeySpec>);

function parseValue(label: string, spec: KeySpec, raw: string): unknown {
  switch (spec.kind) {
    case 'string':
      if (raw === '') throw new ConfigError(label, 'must not be empty');
      return raw;
    case 'int':
      if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 32767) throw new ConfigError(label, `not an integer in 1–32767: ${JSON.stringify(raw)}`);
      return Number(raw);
    case 'count':
      if (!/^\d+$/.test(raw) || Number(raw) > (spec.max ?? 10_000_000)) throw new ConfigError(label, `not a count in 0–${spec.max ?? 10_000_000}: ${JSON.stringify(raw)}`);
      return Number(raw);
    case 'units0':
      if (!/^\d+$/.test(raw) || Number(raw) > 32767) throw new ConfigError(label, `not an integer in 0–32767: ${JSON.stringify(raw)}`);
      return Number(raw);
    case 'ms':
      if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 60000) throw new ConfigError(label, `not a duration in 1–60000 ms: ${JSON.stringify(raw)}`);
      return Number(raw);
    case 'port':
    case 'optPort':
      if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new ConfigError(label, `not a port (0–65535): ${JSON.stringify(raw)}`);
      return Number(raw);
    case 'number':
    case 'fraction': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || (spec.kind === 'number' && n <= 0) || n < 0 || (spec.kind === 'fraction' && n > 1)) {
        throw new ConfigError(label, `not a ${spec.kind === 'fraction' ? 'number in [0, 1]' : 'positive number'}: ${JSON.stringify(raw)}`);
      }
      return n;
    }
    case 'mode':
      try {
        parseRunMode(raw);
      } catch (err) {
        throw new ConfigError(label, (err as Error).message);
      }
      return raw.trim();
    case 'nfTime':
      if (raw !== 'arrival' && raw !== 'source') throw new ConfigError(label, `must be arrival or source, got ${JSON.stringify(raw)}`);
      return raw;
    case 'egress':
      if (!/^udp:[^:]+:\d{1,5}$/.test(raw) && !/^pcap:.+/.test(raw)) throw new ConfigError(label, `must be udp:<host>:<port> or pcap:<file>, got ${JSON.stringify(raw)}`);
      return raw;
    case 'alerts':
      try {
        parseAlertsTarget(raw, {});
      } catch (err) {
        throw new ConfigError(label, (err as Error).message);
      }
      return raw;
    case 'logger':
      if (!['off', 'memory', 'kafka:fast', 'kafka:strict'].includes(raw)) throw new ConfigError(label, `must be off, memory, kafka:fast or kafka:strict, got ${JSON.stringify(raw)}`);
      return raw;
    case 'words':
      return Object.freeze(raw.split(/\s+/).filter((w) => w !== ''));
  }
}

/**
 * Gateway options from the environment and commander's camelCase flags (strings). The result is
 * deeply frozen; controller settings not given here come from the LIVE profile (gateway/profiles.ts).
 */
export function gatewayConfig(env: Readonly<Record<string, string | undefined>>, flags: Readonly<Record<string, string | undefined>> = {}): Readonly<GatewayOptions> {
  for (const name of Object.keys(env)) {
    if (name.startsWith('SNF_GATEWAY_') && !(name in ENV_KEYS)) throw new ConfigError(name, 'unknown SNF_GATEWAY_* setting (see README.md, "Gateway configuration")');
  }
  const c: Partial<Record<Field, unknown>> = {};
  for (const [name, spec] of Object.entries(ENV_KEYS)) {
    const flag = spec.flag ? flags[spec.flag] : undefined;
    const raw = flag ?? env[name] ?? (spec.alias ? env[spec.alias] : undefined);
    const label = flag !== undefined ? `--${spec.flag!.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}` : env[name] !== undefined ? name : spec.alias ?? name;
    c[spec.field] = raw === undefined ? spec.def : parseValue(label, spec, raw);
  }
  if (c.function === undefined) throw new ConfigError('--function', 'required (or SNF_GATEWAY_FUNCTION)');
  if (c.token === undefined) throw new ConfigError('--token', 'required (or SNF_GATEWAY_TOKEN / SNF_TOKEN)');
  if ((c.minUnits as number) > (c.maxUnits as number)) throw new ConfigError('--min-units', `${String(c.minUnits)} exceeds --max-units ${String(c.maxUnits)}`);
  const o = defaultGatewayOptions(c.function as string, c.token as string);
  if (c.configFile !== undefined) o.configFile = c.configFile as string;
  o.host = c.host as string;
  o.streamPort = c.listen as number;
  o.udpPort = c.udp as number | null;
  o.udpEgress = c.udpEgress as string | null;
  o.mode = c.mode as string;
  o.nfTime = c.nfTime as GatewayOptions['nfTime'];
  o.minUnits = c.minUnits as number;
  o.maxUnits = c.maxUnits as number;
  o.unitNodeFlags = c.unitNodeFlags as readonly string[];
  o.alerts = c.alerts as string;
  o.metricsPort = c.metricsPort as number | null;
  o.logger = c.logger as GatewayOptions['logger'];
  o.checkpoint = c.checkpoint as string | null;
  o.checkpointMs = c.checkpointMs as number;
  o.warmupPackets = c.warmupPackets as number;
  o.linkMaxQueued = c.linkMaxQueued as number;
  if (c.ofWatchdog !== undefined) {
    if (parseRunMode(o.mode).assignment !== 'packet') throw new ConfigError('--of-watchdog', `only for the packet mode (mode is ${o.mode})`);
    // Every of-watchdog serves its metrics on the fixed port 8081: a second one on this host panics.
    if (o.maxUnits > 1) throw new ConfigError('--of-watchdog', `runs one unit at most (of-watchdog binds :8081); --max-units is ${o.maxUnits}`);
    o.ofWatchdog = c.ofWatchdog as string;
  }
  o.controller = Object.freeze({
    ...(c.timeoutUs !== undefined ? { timeoutNs: Math.round((c.timeoutUs as number) * 1e3) } : {}),
    ...(c.sizeBytes !== undefined ? { sizeThresholdBytes: c.sizeBytes as number } : {}),
    ...(c.alpha !== undefined ? { alpha: c.alpha as number } : {}),
    ...(c.capacityBps !== undefined ? { unitCapacityBps: c.capacityBps as number } : {}),
    ...(c.standbyUnits !== undefined ? { standbyUnits: c.standbyUnits as number } : {}),
  });
  Object.freeze(o.unitEnv);
  return Object.freeze(o);
}
