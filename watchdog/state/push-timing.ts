/**
 * Where a proactive push's time goes (issue 12), split in two, each a histogram reported in STATS:
 *
 *  - idle at send (sender): how long the flow had been idle when the sweep placed it for pushing,
 *    on the gateway's clock when this unit knows it (runtime/gateway-clock.ts: time since the flow's
 *    last packet reached the gateway, so it includes the link and this unit's lag), else on this
 *    unit's. By design ≈ T/2; anything above is the sweep running late. The next flowlet can start
 *    at the gateway T after the last packet, so a push that is to land first has T minus this left;
 *  - write (sender): placed → its message's write on the PushStream completed (handed to the
 *    socket), per message: the sender's share of the flight (watchdog/push-lane.ts);
 *  - flight (receiver): sender's write on its PushStream → this unit applying the message, from
 *    the sender's host-monotonic stamp (PushRequest.sent_mono_ns). Meaningful only when both
 *    units share a host (the bench); across hosts the two clocks are unrelated and the figure is a
 *    diagnostic at most (stamps that would give a negative or absurd age are not recorded). Also
 *    kept apart: the flight of the pushes that released a held flowlet (`late`: the push lost the
 *    race against that flowlet's first packet).
 *
 * Cost: one native histogram record per pushed flow at the sender, one clock read and one record
 * per message at the receiver; nothing allocated per record.
 */
import { createHistogram, type RecordableHistogram } from 'perf_hooks';
import { monotonicNs } from '../../proto/frames/timing-v1';
import type { FlowEntry } from '../runtime/flow-entry';
import type { PacketProcessor } from '../runtime/packet-processor';

/** A stamp older than this (or in the future) is not from a clock this host shares: not recorded. */
const MAX_FLIGHT_NS = 60e9;

const hist = (): RecordableHistogram => createHistogram({ lowest: 1, highest: 1e9, figures: 2 });

export interface HistFigures { p50: number; p99: number; max: number; count: number }

function figures(h: RecordableHistogram): HistFigures {
  if (h.count === 0) return { p50: 0, p99: 0, max: 0, count: 0 };
  return { p50: h.percentile(50), p99: h.percentile(99), max: h.max, count: h.count };
}

const recordUs = (h: RecordableHistogram, ns: number): void => h.record(Math.min(1e9, Math.max(1, Math.round(ns / 1e3))));

export class PushTiming {
  readonly idleAtSend = hist();
  readonly flight = hist();
  readonly flightLate = hist();
  /** Sender: placed → its message's write completed (handed to the socket), per message. */
  readonly write = hist();
  /** For PeerClients (push-lane.ts `onWritten`). */
  readonly written = (sinceMonoNs: number): void => recordUs(this.write, monotonicNs() - sinceMonoNs);
  /** Messages whose stamp was missing (an older sender) or not from this host's clock. */
  unstamped = 0;
  private gwAtNs = NaN;
  private gwNowNs = -Infinity;

  /**
   * A flow `e` placed for pushing by a sweep at `nowNs` (this unit's clock). The gateway's clock is
   * read once per sweep (every flow of one sweep has the same `nowNs`).
   */
  placed<C, S>(proc: PacketProcessor<C, S>, e: FlowEntry<S>, nowNs: number): void {
    if (nowNs !== this.gwAtNs) {
      this.gwAtNs = nowNs;
      this.gwNowNs = proc.gatewayClock.nowNs(nowNs);
    }
    recordUs(this.idleAtSend, this.gwNowNs === -Infinity ? nowNs - e.lastSeenNs : this.gwNowNs - e.lastTsNs);
  }

  /**
   * A push message stamped `sentMonoNs` (0 = not stamped) is being applied now; returns its flight
   * in ns (−1 when not known), for `late` below.
   */
  arrived(sentMonoNs: number | undefined): number {
    if (sentMonoNs === undefined || !(sentMonoNs > 0)) {
      this.unstamped++;
      return -1;
    }
    const age = monotonicNs() - sentMonoNs;
    if (age < 0 || age > MAX_FLIGHT_NS) {
      this.unstamped++;
      return -1;
    }
    recordUs(this.flight, age);
    return age;
  }

  /** The message whose flight was `flightNs` released a held flowlet. */
  late(flightNs: number): void {
    if (flightNs >= 0) recordUs(this.flightLate, flightNs);
  }

  /** The STATS fields (proto/frames/stats-v1.ts) carrying these figures, µs. */
  statsFields(): Record<string, number> {
    const i = figures(this.idleAtSend);
    const f = figures(this.flight);
    const l = figures(this.flightLate);
    const w = figures(this.write);
    return {
      pushIdleP50Us: i.p50, pushIdleP99Us: i.p99, pushIdleMaxUs: i.max, pushIdleCount: i.count,
      pushFlightP50Us: f.p50, pushFlightP99Us: f.p99, pushFlightMaxUs: f.max, pushFlightCount: f.count,
      pushFlightLateP50Us: l.p50, pushFlightLateP99Us: l.p99, pushFlightLateMaxUs: l.max, pushFlightUnstamped: this.unstamped,
      pushWriteP50Us: w.p50, pushWriteP99Us: w.p99, pushWriteMaxUs: w.max,
    };
  }
}
