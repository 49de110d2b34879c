import { udpWhitelist } from '../../../../functions/udp-whitelist';
import { LocalRuntime } from '../../../../sdk/local-runtime';
import { buildIpv4, tcp, udp } from '../../../helpers/packets';
import { MS, stateOf, step } from '../nat/run-steps';

const IN = '192.168.1.20';
const OUT = '8.8.8.8';

describe('udp-whitelist packet table', () => {
  it('admits responses only after a request on the same connection', () => {
    const r = new LocalRuntime(udpWhitelist, udpWhitelist.defaultConfig);
    expect(step(r, udp(OUT, 53, IN, 5000, 'unsolicited'), 0)).toMatchObject({ verdict: 'DROP', reason: 'udp_unsolicited' });
    expect(step(r, udp(IN, 5000, OUT, 53, 'query'), 1 * MS)).toMatchObject({ verdict: 'FORWARD' });
    expect(step(r, udp(OUT, 53, IN, 5000, 'answer'), 2 * MS)).toMatchObject({ verdict: 'FORWARD' });
    expect(step(r, udp(OUT, 53, IN, 5000, 'answer2'), 3 * MS)).toMatchObject({ verdict: 'FORWARD' });
    expect(stateOf(r, udp(IN, 5000, OUT, 53))).toEqual({ requestSeenNs: 1 * MS, responses: 2 });
    // Another port of the same hosts is another connection: not whitelisted.
    expect(step(r, udp(OUT, 53, IN, 5001), 4 * MS)).toMatchObject({ verdict: 'DROP', reason: 'udp_unsolicited' });
    expect(step(r, udp(OUT, 54, IN, 5000), 4 * MS)).toMatchObject({ verdict: 'DROP', reason: 'udp_unsolicited' });
  });

  it('expires entries expiryMs after the last request; responses do not refresh them', () => {
    const r = new LocalRuntime(udpWhitelist, { expiryMs: 1000 });
    step(r, udp(IN, 5000, OUT, 53), 0);
    expect(step(r, udp(OUT, 53, IN, 5000), 1000 * MS).verdict).toBe('FORWARD'); // exactly at expiry: still valid
    expect(step(r, udp(OUT, 53, IN, 5000), 1001 * MS)).toMatchObject({ verdict: 'DROP', reason: 'udp_expired' });
    expect(stateOf(r, udp(IN, 5000, OUT, 53))).toBeUndefined();
    expect(step(r, udp(OUT, 53, IN, 5000), 1002 * MS).reason).toBe('udp_unsolicited');
    step(r, udp(IN, 5000, OUT, 53), 2000 * MS); // a new request re-whitelists
    expect(step(r, udp(OUT, 53, IN, 5000), 2900 * MS).verdict).toBe('FORWARD');
    const never = new LocalRuntime(udpWhitelist, { expiryMs: 0 });
    step(never, udp(IN, 5000, OUT, 53), 0);
    expect(step(never, udp(OUT, 53, IN, 5000), 1e15).verdict).toBe('FORWARD');
  });

  it('forwards TCP, other protocols and traffic that stays on one side; drops inbound UDP fragments', () => {
    const r = new LocalRuntime(udpWhitelist, { internal: ['10.0.0.0/8'] });
    expect(step(r, tcp(OUT, 80, '10.0.0.1', 4000, 0x12), 0).verdict).toBe('FORWARD');
    expect(step(r, buildIpv4({ proto: 1, src: OUT, dst: '10.0.0.1' }), 0).verdict).toBe('FORWARD');
    expect(step(r, udp('10.0.0.2', 1, '10.0.0.1', 2), 0).verdict).toBe('FORWARD');
    expect(step(r, udp(OUT, 1, '9.9.9.9', 2), 0).verdict).toBe('FORWARD');
    // With internal = 10/8 only, 192.168/16 is outside.
    expect(step(r, udp(OUT, 53, IN, 5000), 0).verdict).toBe('FORWARD');
    const frag = buildIpv4({ proto: 'udp', src: OUT, dst: '10.0.0.1', fragOffset: 100 });
    expect(step(r, frag, 0)).toMatchObject({ verdict: 'DROP', reason: 'udp_fragment' });
    expect(r.state.size).toBe(0);
  });
});
