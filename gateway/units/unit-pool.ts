/**
 * The units the controller asked for, as running units and connections: start on the
 * controller's onUnitStart hook (link created at once so packets queue while the unit comes
 * up), stop on onUnitStop, and keep every unit's PEERS table current. Where units run is the
 * provider's business (provider.ts); their addresses come from it.
 */
import { FrameType } from '../../proto/frames/constants';
import { encodePeers, type PeerEndpoint } from '../../proto/frames/peers-v1';
import { parseIpv4 } from '../../sdk/flow-key';
import type { HostPort, UnitEndpoint, UnitEvent, UnitProvider } from './provider';
import { DEFAULT_LINK_MAX_QUEUED, UnitLink, type UnitLinkHandlers } from './unit-link';

export interface UnitPoolEvents {
  frame: UnitLinkHandlers['onFrame'];
  /** A unit's connection closed, or the unit went, while it was meant to run. */
  lost(unit: number): void;
  /** An HTTP unit is up (packet mode). */
  httpReady?(unit: number, ep: UnitEndpoint): void;
  error(unit: number, err: unknown): void;
  /** The unit is up: its link connected (or, HTTP, its endpoint known). */
  up?(unit: number): void;
  /** Output loggers: the unit's logger released everything it will for the unit (UNIT_GONE). */
  unitGone?(unit: number): void;
  /** Output loggers: the gateway's connection to a unit's logger closed while the unit was meant to run. */
  loggerLost?(unit: number): void;
  /** Backpressure: the window of the unit's current link filled (true) or opened again (false). */
  behind?(unit: number, behind: boolean): void;
}

export class UnitPool {
  readonly links = new Map<number, UnitLink>();
  readonly endpoints = new Map<number, UnitEndpoint>();
  /** Connections to the units' output loggers (their EGRESS comes from there). */
  readonly loggerLinks = new Map<number, UnitLink>();
  /** Dead units whose StatePeer address now is their logger's (PEERS: recovery units pull from it). */
  readonly deadPeers = new Map<number, HostPort>();
  /** Each unit's output logger (kept when the unit's endpoint goes: recovery needs it). */
  readonly loggers = new Map<number, { data: HostPort; peer: HostPort; instance: string }>();
  private readonly starting = new Map<number, Promise<void>>();
  private readonly stopping = new Set<number>();
  private readonly unsubscribe: () => void;
  /**
   * `gone`: units that went without being asked (no link noticed first, e.g. HTTP units);
   * `replaced`: a unit the controller still runs came back in a new process (a provider that
   * `replacesUnits`); `unitIdRefused`: links that failed over the unit id (UnitLink).
   */
  readonly counters = { started: 0, stopped: 0, startFailures: 0, lost: 0, gone: 0, replaced: 0, unitIdRefused: 0 };
  /** Units the controller asked for and has not stopped. */
  private readonly wanted = new Set<number>();
  /** Links note when each frame is written (the latency breakdown; set before units start). */
  timing = false;
  /** Backpressure bound of each unit link (packets queued at the unit; 0 = none). */
  linkMaxQueued = DEFAULT_LINK_MAX_QUEUED;
  /** Units whose current link has its window full (reported `behind`). */
  private readonly behindUnits = new Set<number>();

  constructor(
    readonly provider: UnitProvider,
    private readonly token: string,
    private readonly http: boolean,
    private readonly ev: UnitPoolEvents,
  ) {
    this.unsubscribe = provider.on((e) => this.onProviderEvent(e));
  }

  /** Controller hook: begin starting `unit` (idempotent). */
  start(unit: number): void {
    if (this.starting.has(unit) || this.endpoints.has(unit)) return;
    this.stopping.delete(unit);
    this.wanted.add(unit);
    const link = this.http ? null : this.newLink(unit);
    const p = (async () => {
      const ep = await this.provider.start(unit, this.http ? 'http' : 'compute');
      this.endpoints.set(unit, ep);
      if (ep.logger !== undefined) {
        this.loggers.set(unit, ep.logger);
        await this.connectLogger(unit, ep.logger.data);
      }
      if (link !== null) {
        await link.connect(ep.data.host, ep.data.port);
        this.broadcastPeers();
      } else this.ev.httpReady?.(unit, ep);
      this.counters.started++;
      this.ev.up?.(unit);
    })().catch((err) => this.startFailed(unit, link, err)).finally(() => this.starting.delete(unit));
    this.starting.set(unit, p);
  }

  private startFailed(unit: number, link: UnitLink | null, err: unknown): void {
    this.counters.startFailures++;
    if (link !== null && link.counters.unitIdRefused > 0) this.counters.unitIdRefused++;
    this.links.delete(unit);
    this.ev.error(unit, err);
  }

  /**
   * A provider whose units come back on their own (Kubernetes: the Deployment replaces a pod, and
   * the new pod is given the id again once it is free): a unit the controller still runs, whose
   * endpoint and link went, is connected again at its new endpoint.
   */
  private onReplacement(ep: UnitEndpoint): void {
    const unit = ep.unit;
    if (this.provider.replacesUnits !== true || this.http || !this.wanted.has(unit) || this.stopping.has(unit)) return;
    if (this.starting.has(unit) || this.endpoints.has(unit) || this.links.get(unit)?.isOpen === true) return;
    this.counters.replaced++;
    const link = this.newLink(unit);
    this.endpoints.set(unit, ep);
    const p = link.connect(ep.data.host, ep.data.port).then(() => this.broadcastPeers(), (err) => {
      if (this.endpoints.get(unit) === ep) this.endpoints.delete(unit);
      this.startFailed(unit, link, err);
    }).finally(() => this.starting.delete(unit));
    this.starting.set(unit, p);
  }

  private newLink(unit: number): UnitLink {
    // A replaced link's waiting frames are not the new link's: the unit starts not behind.
    this.setBehind(unit, false);
    const link = new UnitLink(unit, this.token, {
      onFrame: this.ev.frame,
      onReady: () => this.peersFrame(),
      onBehind: (l, behind) => {
        if (this.links.get(unit) === l) this.setBehind(unit, behind);
      },
      onClose: (l) => {
        if (this.links.get(unit) === l) {
          this.links.delete(unit);
          this.setBehind(unit, false);
        }
        if (!this.stopping.has(unit)) {
          this.counters.lost++;
          this.ev.lost(unit);
        }
      },
    }, undefined, undefined, this.timing, this.linkMaxQueued);
    this.links.set(unit, link);
    return link;
  }

  private setBehind(unit: number, behind: boolean): void {
    if (behind === this.behindUnits.has(unit)) return;
    if (behind) this.behindUnits.add(unit);
    else this.behindUnits.delete(unit);
    this.ev.behind?.(unit, behind);
  }

  /**
   * Unit `unit` died and is taken over under its id (recovery): a new link at once, so packets
   * routed to it queue (the dead process's packets are re-sent into it too); `failover` starts the process.
   */
  prepareFailover(unit: number): void {
    // The dead process's link may not have noticed yet (the logger's UNIT_GONE can come first): replaced, it closes on its own.
    this.newLink(unit);
  }

  /** Starts the process taking over `unit`, attached to `logger` (whose mirror it restores), and connects its link. */
  async failover(unit: number, logger: { data: HostPort; peer: HostPort; instance: string }): Promise<UnitEndpoint> {
    if (this.provider.startUnitWithLogger === undefined) throw new Error(`provider ${this.provider.name} cannot restart a unit under its id`);
    const link = this.links.get(unit) ?? this.newLink(unit);
    const ep = await this.provider.startUnitWithLogger(unit, logger.data);
    ep.logger = logger;
    await link.connect(ep.data.host, ep.data.port);
    this.endpoints.set(unit, ep);
    this.deadPeers.delete(unit);
    this.broadcastPeers();
    return ep;
  }

  /**
   * Gateway restart (gateway/checkpoint/): unit `unit` runs already, started by the gateway that
   * died; connect to it and to its logger (which then writes what it released meanwhile).
   */
  async adopt(ep: UnitEndpoint): Promise<void> {
    const unit = ep.unit;
    this.provider.adopt?.(ep);
    const link = this.newLink(unit);
    this.endpoints.set(unit, ep);
    if (ep.logger !== undefined) {
      this.loggers.set(unit, ep.logger);
      await this.connectLogger(unit, ep.logger.data);
    }
    await link.connect(ep.data.host, ep.data.port);
    this.counters.started++;
    this.broadcastPeers();
  }

  /** The gateway's link to unit `unit`'s output logger at `at` (a replacement logger too). */
  async connectLogger(unit: number, at: HostPort): Promise<void> {
    const l = new UnitLink(unit, this.token, {
      onFrame: (link, type, count, body) => {
        if (type === FrameType.UNIT_GONE) this.ev.unitGone?.(unit);
        else this.ev.frame(link, type, count, body);
      },
      onClose: (closed) => {
        if (this.loggerLinks.get(unit) !== closed) return;
        this.loggerLinks.delete(unit);
        if (!this.stopping.has(unit)) this.ev.loggerLost?.(unit);
      },
    });
    this.loggerLinks.get(unit)?.close();
    this.loggerLinks.set(unit, l);
    await l.connect(at.host, at.port);
  }

  /** Unit `unit` died: its flows are pulled from its logger from now on (PEERS maps the unit to it). */
  markDead(unit: number, loggerPeer: HostPort): void {
    this.endpoints.delete(unit);
    this.deadPeers.set(unit, loggerPeer);
    this.broadcastPeers();
  }

  /**
   * A unit that went on its own: its endpoint is forgotten, so PEERS and state collection skip
   * it, and a data-plane link still open is closed and reported `lost` (a pod's endpoint can go
   * before its connection does); a link that closed first already reported it.
   */
  private onProviderEvent(e: UnitEvent): void {
    if (e.type === 'unit-ready') return this.onReplacement(e.endpoint);
    if (this.stopping.has(e.unit)) return;
    const ep = this.endpoints.get(e.unit);
    if (ep === undefined || ep.instance !== e.instance) return;
    this.counters.gone++;
    this.endpoints.delete(e.unit);
    const link = this.links.get(e.unit);
    if (link !== undefined && link.isOpen) {
      this.links.delete(e.unit);
      this.setBehind(e.unit, false);
      link.close();
      this.counters.lost++;
      this.ev.lost(e.unit);
    }
    this.broadcastPeers();
  }

  /** Resolves when `unit`'s start (if one is in progress) has finished or failed. */
  async whenStarted(unit: number): Promise<void> {
    await this.starting.get(unit);
  }

  /** Resolves when every start begun so far has finished (or failed). */
  async settled(): Promise<void> {
    while (this.starting.size > 0) await Promise.all([...this.starting.values()]);
  }

  /** Controller hook: retire `unit` (it pushes its state and goes). */
  stop(unit: number): Promise<void> {
    this.stopping.add(unit);
    this.wanted.delete(unit);
    this.links.get(unit)?.close();
    this.links.delete(unit);
    this.setBehind(unit, false);
    this.loggerLinks.get(unit)?.close();
    this.loggerLinks.delete(unit);
    this.endpoints.delete(unit);
    this.counters.stopped++;
    this.broadcastPeers();
    return this.provider.stop(unit);
  }

  peerList(): Array<{ unit: number; address: string }> {
    const out: Array<{ unit: number; address: string }> = [];
    for (const e of this.endpoints.values()) if (e.peer !== null) out.push({ unit: e.unit, address: `${e.peer.host}:${e.peer.port}` });
    for (const [u, p] of this.deadPeers) if (!this.endpoints.has(u)) out.push({ unit: u, address: `${p.host}:${p.port}` });
    return out;
  }

  private peersFrame(): Buffer {
    const peers: PeerEndpoint[] = [];
    for (const e of this.endpoints.values()) if (e.peer !== null) peers.push({ unitId: e.unit, ip: parseIpv4(e.peer.host), port: e.peer.port });
    for (const [u, p] of this.deadPeers) if (!this.endpoints.has(u)) peers.push({ unitId: u, ip: parseIpv4(p.host), port: p.port });
    return encodePeers(peers);
  }

  private broadcastPeers(): void {
    if (this.http) return;
    const f = this.peersFrame();
    // Ahead of packet frames waiting for room: a unit may need the table to drain them (unit-link.ts).
    for (const l of this.links.values()) l.writeControl(f);
  }

  async close(): Promise<void> {
    for (const l of this.links.values()) l.close();
    this.links.clear();
    for (const l of this.loggerLinks.values()) l.close();
    this.loggerLinks.clear();
    for (const u of this.endpoints.keys()) this.stopping.add(u);
    for (const u of this.starting.keys()) this.stopping.add(u);
    this.unsubscribe();
    await this.provider.close();
  }
}
