import { dataPlaneNodeFlags, dataPlaneNodeOptions, LATENCY_NODE_FLAGS } from '../../../../gateway/units/node-flags';

describe('data-plane node flags', () => {
  it('puts the latency flags first and keeps the operator flags after them', () => {
    expect(dataPlaneNodeFlags()).toEqual([...LATENCY_NODE_FLAGS]);
    expect(dataPlaneNodeFlags(['--cpu-prof'])).toEqual(['--max-semi-space-size=1', '--cpu-prof']);
  });

  it('lets an operator flag of the same name win, in either spelling', () => {
    expect(dataPlaneNodeFlags(['--max-semi-space-size=8'])).toEqual(['--max-semi-space-size=8']);
    expect(dataPlaneNodeFlags(['--max_semi_space_size=4'])).toEqual(['--max_semi_space_size=4']);
  });

  it('merges NODE_OPTIONS for pods', () => {
    expect(dataPlaneNodeOptions(undefined)).toBe('--max-semi-space-size=1');
    expect(dataPlaneNodeOptions(' --enable-source-maps  ')).toBe('--max-semi-space-size=1 --enable-source-maps');
    expect(dataPlaneNodeOptions('--max-semi-space-size=2')).toBe('--max-semi-space-size=2');
  });
});
