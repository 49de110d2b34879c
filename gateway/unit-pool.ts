/**
 * The units the controller asked for, as real processes and connections: start on the
 * controller's onUnitStart hook (link created at once so packets queue while the process comes
 * up), stop on onUnitStop, and keep every unit's PEERS table current.
 */
import { encodePeers, type PeerEndpoint } from '../proto/frames/peers-v1';
import { parseIpv4 } from '../sdk/flow-key';
import { LocalProcessProvider, type UnitEndpoint } from './process/local-process-provider';
import { UnitLink, type UnitLinkHandlers } from './unit-link';

export interface UnitPoolEvents {
  frame: UnitLinkHandlers['onFrame'];
  /** A unit connection closed while the unit was meant to run. */
  lost(unit: number): void;
  /** An HTTP unit is up (packet/external modes). */
  httpReady?(unit: number, ep: UnitEndpoint): void;
  error(unit: number, err: unknown): void;
}

export class UnitPool {
  readonly links = new Map<number, UnitLink>();
  readonly endpoints = new Map<number, UnitEndpoint>();
  private readonly starting = new Map<number, Promise<void>>();
  private readonly stopping = new Set<number>();
  readonly counters = { started: 0, stopped: 0, startFailures: 0, lost: 0 };

  constructor(
    readonly provider: LocalProcessProvider,
    private readonly token: string,
    private readonly http: boolean,
    private readonly ev: UnitPoolEvents,
  ) {}

  /** Controller hook: begin starting `unit` (idempotent). */
  start(unit: number): void {
    if (this.starting.has(unit) || this.endpoints.has(unit)) return;
    this.stopping.delete(unit);
    let link: UnitLink | null = null;
    if (!this.http) {
      link = new UnitLink(unit, this.token, {
        onFrame: this.ev.frame,
        onReady: () => this.peersFrame(),
        onClose: (l) => {
          if (this.links.get(unit) === l) this.links.delete(unit);
          if (!this.stopping.has(unit)) {
            this.counters.lost++;
            this.ev.lost(unit);
          }
        },
      });
      this.links.set(unit, link);
    }
    const p = (async () => {
      const ep = this.http ? await this.provider.startHttpUnit(unit) : await this.provider.startUnit(unit);
      this.endpoints.set(unit, ep);
      if (link !== null) {
        await link.connect(ep.host, ep.port);
        this.broadcastPeers();
      } else this.ev.httpReady?.(unit, ep);
      this.counters.started++;
    })().catch((err) => {
      this.counters.startFailures++;
      this.links.delete(unit);
      this.ev.error(unit, err);
    }).finally(() => this.starting.delete(unit));
    this.starting.set(unit, p);
  }

  /** Resolves when `unit`'s start (if one is in progress) has finished or failed. */
  async whenStarted(unit: number): Promise<void> {
    await this.starting.get(unit);
  }

  /** Resolves when every start begun so far has finished (or failed). */
  async settled(): Promise<void> {
    while (this.starting.size > 0) await Promise.all([...this.starting.values()]);
  }

  /** Controller hook: retire `unit` (SIGTERM: it pushes its state and exits). */
  stop(unit: number): Promise<void> {
    this.stopping.add(unit);
    this.links.get(unit)?.close();
    this.links.delete(unit);
    this.endpoints.delete(unit);
    this.counters.stopped++;
    this.broadcastPeers();
    return this.provider.stopUnit(unit);
  }

  peerList(): Array<{ unit: number; address: string }> {
    return [...this.endpoints.values()].filter((e) => e.peerPort > 0).map((e) => ({ unit: e.unit, address: `${e.host}:${e.peerPort}` }));
  }

  private peersFrame(): Buffer {
    const peers: PeerEndpoint[] = [];
    for (const e of this.endpoints.values()) if (e.peerPort > 0) peers.push({ unitId: e.unit, ip: parseIpv4(e.host), port: e.peerPort });
    return encodePeers(peers);
  }

  private broadcastPeers(): void {
    if (this.http) return;
    const f = this.peersFrame();
    for (const l of this.links.values()) l.writeRaw(f);
  }

  async close(): Promise<void> {
    for (const l of this.links.values()) l.close();
    this.links.clear();
    for (const u of this.endpoints.keys()) this.stopping.add(u);
    await this.provider.stopAll();
  }
}
