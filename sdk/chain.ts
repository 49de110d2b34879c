/**
 * NF chains (paper §4): several network functions composed into one `NetworkFunction` that runs in
 * one unit, e.g. `udp-whitelist` then `nat`. The runtimes (LocalRuntime, the unit's
 * PacketProcessor, HTTP mode) see one NF; nothing in them knows about chains.
 *
 * Semantics, per packet:
 * - Stages run in order on the same `Packet` (a stage's in-place rewrite is what the next one
 *   sees) with the same `ctx.nowNs`.
 * - The first stage that does not forward ends the chain. A DROP keeps the stage's reason,
 *   prefixed with its NF name: `<nf>:<reason>` (e.g. `udp-whitelist:udp_unsolicited`;
 *   `<nf>:unspecified` when it named none), so the operator sees which stage dropped. A value
 *   that is not a Verdict is returned as is (the runtime counts it `bad_verdict`); a stage that
 *   throws makes the chain throw (`handler_error`, the stage's error kept as `lastError`).
 * - Alerts of every stage that ran count (passed on unchanged: alert ids share one space;
 *   `describeAlert` asks the stages in order and the first description wins).
 * - State that arrives from elsewhere (`stateArrived`) is handed to every stage with its slot.
 * - Per-flow state is the tuple of the stages' states (`ChainState`, index = stage; undefined =
 *   the stage holds none), stored under the connection key as the packet entered the chain.
 *   Each stage gets its own `FlowState` view (built once at `create`): its `put` writes its slot
 *   and puts the tuple, so the runtime records the delta; its `delete` clears the slot (the
 *   tuple is deleted once every slot is empty). The codec composes the stages' codecs.
 * - Configuration is one JSON object keyed by NF name, e.g. `{"nat": {"publicIp": "…"}}`;
 *   a stage with no entry runs on its own `defaultConfig`; an unknown key is a ConfigError.
 * - A chain of one NF is that NF itself (`chain([nf]) === nf`): no extra cost.
 *
 * Keying: a later stage's state lives under the connection as it *entered* the chain (so one
 * flowlet route carries all of a connection's stage states). If an earlier stage rewrites the
 * 5-tuple, the later stage's state is still per connection, just under the ingress key.
 */
import { ConfigError, SnfError } from './errors';
import { Verdict, type AlertInfo, type ConfigSchema, type Context, type FlowState, type NetworkFunction, type PacketHandler, type StateCodec, type UnitInfo } from './types';
import type { FlowKey } from './flow-key';
import type { Packet } from './packet';
import { DROP_REASON_UNSPECIFIED } from './drop-reasons';

/** Per-flow state of a chain: slot i is stage i's value (undefined = none). */
export type ChainState = Array<unknown>;

type AnyNf = NetworkFunction<any, any>;

/** The separator of a chain spec and of a chain's name: `udp-whitelist,nat`. */
export const CHAIN_SEPARATOR = ',';

/** Undeclared reasons of one stage kept prefixed (beyond: `<nf>:other`). */
const MAX_LATE_REASONS = 256;

/** Stage i's view of the chain's per-flow tuple. */
class StageState implements FlowState<unknown> {
  outer: FlowState<ChainState> = null as unknown as FlowState<ChainState>;
  constructor(private readonly index: number, private readonly stages: number) {}

  get(): unknown {
    const t = this.outer.get();
    return t === undefined ? undefined : t[this.index];
  }

  put(value: unknown): void {
    let t = this.outer.get();
    if (t === undefined) t = new Array<unknown>(this.stages).fill(undefined);
    t[this.index] = value;
    this.outer.put(t);
  }

  delete(): void {
    const t = this.outer.get();
    if (t === undefined) return this.outer.delete();
    t[this.index] = undefined;
    for (let i = 0; i < t.length; i++) if (t[i] !== undefined) return this.outer.put(t);
    this.outer.delete();
  }
}

/** Stage i's context: its own state view and drop reason; time and alerts from the chain's. */
class StageContext implements Context<unknown> {
  nowNs = 0;
  reason: string | undefined = undefined;
  outer: Context<ChainState> = null as unknown as Context<ChainState>;
  constructor(readonly state: StageState) {}
  drop(reason: string): void {
    this.reason = reason;
  }
  alert(id: number): void {
    this.outer.alert(id);
  }
}

class ChainHandler implements PacketHandler<ChainState> {
  private readonly ctxs: StageContext[];
  private readonly late: Array<Map<string, string>>;

  constructor(private readonly names: readonly string[], private readonly handlers: ReadonlyArray<PacketHandler<unknown>>, private readonly prefixed: ReadonlyArray<ReadonlyMap<string, string>>) {
    this.ctxs = handlers.map((_, i) => new StageContext(new StageState(i, handlers.length)));
    this.late = handlers.map(() => new Map<string, string>());
  }

  process(p: Packet, ctx: Context<ChainState>): Verdict {
    const n = this.handlers.length;
    for (let i = 0; i < n; i++) {
      const sc = this.ctxs[i]!;
      sc.nowNs = ctx.nowNs;
      sc.reason = undefined;
      sc.outer = ctx;
      sc.state.outer = ctx.state;
      const v = this.handlers[i]!.process(p, sc);
      if (v === Verdict.FORWARD) continue;
      if (v === Verdict.DROP) ctx.drop(this.reasonOf(i, sc.reason ?? DROP_REASON_UNSPECIFIED));
      return v;
    }
    return Verdict.FORWARD;
  }

  describeAlert(id: number): AlertInfo | undefined {
    for (const h of this.handlers) {
      const info = h.describeAlert?.(id);
      if (info !== undefined) return info;
    }
    return undefined;
  }

  /** Each stage hears of its own slot of the tuple (undefined when the tuple or its slot is empty). */
  stateArrived(key: Readonly<FlowKey>, value: ChainState | undefined): void {
    for (let i = 0; i < this.handlers.length; i++) this.handlers[i]!.stateArrived?.(key, value === undefined ? undefined : value[i]);
  }

  /** `<nf>:<reason>`: a Map lookup for declared reasons; an undeclared one allocates once. */
  private reasonOf(i: number, reason: string): string {
    const known = this.prefixed[i]!.get(reason) ?? this.late[i]!.get(reason);
    if (known !== undefined) return known;
    const late = this.late[i]!;
    if (late.size >= MAX_LATE_REASONS) return `${this.names[i]}:other`;
    const s = `${this.names[i]}:${reason}`;
    late.set(reason, s);
    return s;
  }
}

function chainCodec(stages: readonly AnyNf[]): StateCodec<ChainState> {
  const n = stages.length;
  return {
    /** u8 stage count, then per stage: u8 present, and if present u32 length + the stage's bytes. */
    encode(value: ChainState): Buffer {
      const parts: Buffer[] = [];
      let size = 1;
      for (let i = 0; i < n; i++) {
        const v = value[i];
        const b = v === undefined ? null : stages[i]!.stateCodec.encode(v);
        parts.push(b ?? Buffer.alloc(0));
        size += b === null ? 1 : 5 + b.length;
      }
      const out = Buffer.allocUnsafe(size);
      out[0] = n;
      let o = 1;
      for (let i = 0; i < n; i++) {
        if (value[i] === undefined) {
          out[o++] = 0;
          continue;
        }
        out[o++] = 1;
        out.writeUInt32BE(parts[i]!.length, o);
        o += 4;
        parts[i]!.copy(out, o);
        o += parts[i]!.length;
      }
      return out;
    },
    decode(bytes: Buffer): ChainState {
      const bad = (why: string): never => {
        throw new SnfError('SNF_ERR_STATE_CODEC', `chain state (${stages.map((s) => s.name).join(CHAIN_SEPARATOR)}): ${why}`);
      };
      if (bytes.length < 1 || bytes[0] !== n) bad(`expected ${n} stages, got ${bytes.length < 1 ? 'no bytes' : bytes[0]}`);
      const out = new Array<unknown>(n).fill(undefined);
      let o = 1;
      for (let i = 0; i < n; i++) {
        if (o >= bytes.length) bad(`truncated at stage ${i}`);
        const present = bytes[o++];
        if (present === 0) continue;
        if (present !== 1 || o + 4 > bytes.length) bad(`bad presence or length at stage ${i}`);
        const len = bytes.readUInt32BE(o);
        o += 4;
        if (o + len > bytes.length) bad(`stage ${i} value runs past the end`);
        out[i] = stages[i]!.stateCodec.decode(bytes.subarray(o, o + len));
        o += len;
      }
      if (o !== bytes.length) bad(`${bytes.length - o} trailing bytes`);
      return out;
    },
  };
}

function chainConfig(stages: readonly AnyNf[]): ConfigSchema<readonly unknown[]> {
  const names = stages.map((s) => s.name);
  return {
    parse(raw: unknown): readonly unknown[] {
      if (raw === undefined || raw === null) raw = {};
      if (typeof raw !== 'object' || Array.isArray(raw)) {
        throw new ConfigError('(root)', `a chain's configuration is an object keyed by NF name (${names.join(', ')})`);
      }
      const obj = raw as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        if (!names.includes(k)) throw new ConfigError(k, `not a stage of this chain (stages: ${names.join(', ')})`);
      }
      return Object.freeze(stages.map((s) => {
        const own = Object.prototype.hasOwnProperty.call(obj, s.name) ? obj[s.name] : s.defaultConfig;
        try {
          return s.config.parse(own);
        } catch (err) {
          if (err instanceof ConfigError) {
            const field = err.field === '(root)' ? s.name : `${s.name}.${err.field}`;
            throw new ConfigError(field, err.message.slice(err.field.length + 2), { cause: err });
          }
          throw err;
        }
      }));
    },
  };
}

/**
 * Compose `stages` into one NF named `a,b,…`. One stage: that NF itself. No stage, or one NF
 * twice (its configuration key would be ambiguous): SNF_ERR_USAGE.
 */
export function chain(stages: readonly AnyNf[]): AnyNf {
  if (stages.length === 0) throw new SnfError('SNF_ERR_USAGE', 'a chain needs at least one network function');
  if (stages.length === 1) return stages[0]!;
  if (stages.length > 255) throw new SnfError('SNF_ERR_USAGE', 'a chain has at most 255 stages');
  const names = stages.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new SnfError('SNF_ERR_USAGE', `${dup} appears twice in the chain ${names.join(CHAIN_SEPARATOR)} (each NF at most once)`);
  const prefixed = stages.map((s) => new Map([DROP_REASON_UNSPECIFIED, ...(s.dropReasons ?? [])].map((r) => [r, `${s.name}:${r}`] as const)));
  const dropReasons = prefixed.flatMap((m) => [...m.values()]);
  const nf: NetworkFunction<readonly unknown[], ChainState> = {
    name: names.join(CHAIN_SEPARATOR),
    description: `chain: ${names.join(' → ')}`,
    config: chainConfig(stages),
    defaultConfig: {},
    stateCodec: chainCodec(stages),
    dropReasons,
    create(config: readonly unknown[], unit?: UnitInfo): PacketHandler<ChainState> {
      const handlers = stages.map((s, i) => (unit === undefined ? s.create(config[i]) : s.create(config[i], unit)) as PacketHandler<unknown>);
      return new ChainHandler(names, handlers, prefixed);
    },
  };
  return Object.freeze(nf);
}

/** The stage names of a chain spec (`a,b` → ['a', 'b']; blanks around names are ignored). */
export function chainNames(spec: string): string[] {
  return spec.split(CHAIN_SEPARATOR).map((s) => s.trim());
}
