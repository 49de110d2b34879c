/**
 * IDS purity under SNF: per-flow output and final state are a pure function of the flow's packets
 * (and ctx.nowNs), whichever unit handler runs them — checked by running the e2e IDS trace on 4
 * handlers with each connection hopping between them (state carried through the codec) against
 * one LocalRuntime.
 */
import { ids } from '../../../../functions/ids';
import { generateTraffic } from '../../../../trace/generator';
import { runOnUnits, runReference } from '../nat/unit-sim';

const trace = generateTraffic({ seed: 7, flows: 40, durationMs: 200 });
const ref = runReference(ids, ids.defaultConfig, trace);
const hex = (m: Map<string, Array<{ index: number; bytes: Buffer | null }>>) =>
  [...m].map(([k, l]) => [k, l.map((o) => `${o.index}:${o.bytes === null ? 'drop' : o.bytes.toString('hex')}`)]);
const states = (m: Map<string, Uint32Array | undefined>) => [...m].map(([k, s]) => [k, s === undefined ? null : Array.from(s)]);

it.each([0.2, 1])('ids output and state do not depend on which unit ran each packet (move probability %p)', (moveProbability) => {
  const live = runOnUnits(ids, ids.defaultConfig, trace, { units: 4, moveProbability, seed: 5 });
  expect(hex(live.outputs)).toEqual(hex(ref.outputs));
  expect(states(live.state)).toEqual(states(ref.state));
  // The trace exercises state: some connections end with a saved automaton state.
  expect([...ref.state.values()].filter((s) => s !== undefined).length).toBeGreaterThan(0);
});
