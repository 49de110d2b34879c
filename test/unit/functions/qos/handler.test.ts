import fc from 'fast-check';
import { qos } from '../../../../functions/qos';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { Packet } from '../../../../sdk/packet';
import { buildIpv4, checksumsValid, udp } from '../../../helpers/packets';
import { MS, stateOf, step } from '../nat/run-steps';

/** A UDP packet of exactly `size` wire bytes (20 IP + 8 UDP + payload). */
const sized = (size: number, dport = 9000, sport = 4000) => udp('10.0.0.1', sport, '10.0.0.2', dport, Buffer.alloc(size - 28, 0x61));

describe('qos packet table', () => {
  it('starts full, spends tokens per wire byte, refills at rate/8 bytes per second, capped at burst', () => {
    // 8000 bit/s = 1000 bytes/s = 1 byte per ms; bucket 1000 bytes.
    const r = new LocalRuntime(qos, { rateBps: 8000, burstBytes: 1000 });
    expect(step(r, sized(600), 0).verdict).toBe('FORWARD');
    expect(step(r, sized(400), 0).verdict).toBe('FORWARD');
    expect(step(r, sized(100), 0)).toMatchObject({ verdict: 'DROP', reason: 'qos_over_rate' });
    expect(stateOf(r, sized(100))).toEqual({ lastNs: 0, tokens: 0, classIndex: 0 });
    expect(step(r, sized(100), 99 * MS).verdict).toBe('DROP'); // 99 bytes refilled
    expect(step(r, sized(100), 100 * MS).verdict).toBe('FORWARD'); // 100 bytes now
    expect(stateOf(r, sized(100))!.tokens).toBeCloseTo(0, 9);
    // Long idle: capped at the bucket size.
    expect(step(r, sized(28), 1e6 * MS).verdict).toBe('FORWARD');
    expect(stateOf(r, sized(28))!.tokens).toBeCloseTo(1000 - 28, 9);
  });

  it("action 'mark' forwards over-rate packets with DSCP set and ECN kept; checksums valid", () => {
    const r = new LocalRuntime(qos, { rateBps: 8000, burstBytes: 100, action: 'mark', markDscp: 10 });
    const ok = buildIpv4({ proto: 'udp', src: '10.0.0.1', dst: '10.0.0.2', tos: 0xb9, payload: Buffer.alloc(40) }); // 68 bytes
    expect(step(r, ok, 0).out.tos).toBe(0xb9);
    const over = buildIpv4({ proto: 'udp', src: '10.0.0.1', dst: '10.0.0.2', tos: 0xb9, payload: Buffer.alloc(40) });
    const s = step(r, over, 0);
    expect(s.verdict).toBe('FORWARD');
    expect(s.out.tos).toBe((10 << 2) | 0x01);
    expect(checksumsValid(over)).toEqual({ ip: true, l4: true });
  });

  it('applies per-class overrides by destination port, else source port, fixed on the first packet', () => {
    const r = new LocalRuntime(qos, { rateBps: 8000, burstBytes: 100, classes: [{ ports: [53], rateBps: 8000, burstBytes: 5000 }] });
    expect(step(r, sized(3000, 53), 0).verdict).toBe('FORWARD');
    expect(stateOf(r, sized(28, 53))!.classIndex).toBe(1);
    expect(step(r, sized(3000, 4000, 53), 0).verdict).toBe('FORWARD'); // new connection from source port 53 → class 1
    expect(step(r, sized(3000, 80), 0).verdict).toBe('DROP');
    expect(step(r, sized(200, 9999, 53), 0).verdict).toBe('FORWARD'); // new conn, source port 53 → class 1
  });

  it('does not refill on reordered (older) packets', () => {
    const r = new LocalRuntime(qos, { rateBps: 8000, burstBytes: 1000 });
    step(r, sized(1000), 500 * MS);
    expect(step(r, sized(28), 100 * MS).verdict).toBe('DROP');
    expect(stateOf(r, sized(28))!.lastNs).toBe(500 * MS);
  });
});

describe('qos properties', () => {
  it('never lets more than burst + rate×time bytes through in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8_000, max: 10_000_000 }),
        fc.integer({ min: 64, max: 20_000 }),
        fc.array(fc.record({ dtUs: fc.integer({ min: 0, max: 20_000 }), size: fc.integer({ min: 28, max: 1500 }) }), { minLength: 1, maxLength: 150 }),
        (rateBps, burstBytes, pkts) => {
          const r = new LocalRuntime(qos, { rateBps, burstBytes });
          const passed: [number, number][] = [];
          let t = 0;
          for (const { dtUs, size } of pkts) {
            t += dtUs * 1000;
            if (r.process(Packet.parse(sized(size)), t) === 0) passed.push([t, size]);
          }
          for (let i = 0; i < passed.length; i++) {
            let bytes = 0;
            for (let j = i; j < passed.length; j++) {
              bytes += passed[j]![1];
              const window = passed[j]![0] - passed[i]![0];
              expect(bytes).toBeLessThanOrEqual(burstBytes + (window * rateBps) / 8e9 + 1e-6);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
