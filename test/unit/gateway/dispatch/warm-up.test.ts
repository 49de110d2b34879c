import { warmUpDispatch } from '../../../../gateway/dispatch/warm-up';
import { defaultGatewayOptions, resolveRouting } from '../../../../gateway/options';

const dispatch = { maxInFlight: 1 << 16, replicate: true, sourceTime: false };
let t = 0;
const clock = (): number => (t += 1000);

describe('gateway start-up warm-up', () => {
  it.each(['flowlet', 'flowlet/reactive', 'flow', 'smartflow:50'])('%s: every synthetic packet goes through routing, the stand-in units and the egress order', (mode) => {
    const g = defaultGatewayOptions('lb', 'tok');
    g.mode = mode;
    const r = warmUpDispatch(resolveRouting(g).params, dispatch, 3000, clock);
    expect(r.packets).toBe(3000);
    expect(r.released).toBe(3000);
    expect(r.ms).toBeGreaterThan(0);
  });

  it('does nothing for 0 packets', () => {
    expect(warmUpDispatch(resolveRouting(defaultGatewayOptions('lb', 'tok')).params, dispatch, 0, clock)).toEqual({ packets: 0, released: 0, ms: 0 });
  });
});
