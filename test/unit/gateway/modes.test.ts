import { formatRunMode, parseRunMode } from '../../../gateway/modes';
import { parseModeSpec } from '../../../bench/sim/mode';
import { parseCtrlFlag } from '../../../cli/flags';
import { ConfigError, SnfError } from '../../../sdk/errors';

describe('run modes: one spelling for gateway, simulator and benches', () => {
  test.each([
    ['flowlet', 'flowlet', 'proactive', 'flowlet'],
    ['flowlet/proactive', 'flowlet', 'proactive', 'flowlet'],
    ['flowlet/reactive', 'flowlet', 'reactive', 'flowlet/reactive'],
    [' flowlet/external ', 'flowlet', 'external', 'flowlet/external'],
    ['flowlet-timeout-only', 'flowlet-timeout-only', 'proactive', 'flowlet-timeout-only'],
    ['flow', 'flow', 'reactive', 'flow'],
    ['smartflow:50', 'smartflow', 'reactive', 'smartflow:50'],
    ['packet', 'packet', 'external', 'packet'],
    ['packet/external', 'packet', 'external', 'packet'],
  ])('%s → %s / %s, printed %s', (text, assignment, state, printed) => {
    const m = parseRunMode(text);
    expect(m).toMatchObject({ label: text.trim(), assignment, state });
    expect(formatRunMode(m)).toBe(printed);
    expect(Object.isFrozen(m)).toBe(true);
  });
  test.each([['flowlet/eager', /unknown state mode "eager"/], ['packet/reactive', /packet mode/], ['flowlet/reactive/x', /more than one/], ['fastest', /unknown mode/], ['smartflow:-1', /positive/]])(
    'rejects %s',
    (text, msg) => {
      expect(() => parseRunMode(text)).toThrow(ConfigError);
      expect(() => parseRunMode(text)).toThrow(msg);
    },
  );
  test('the simulator maps packet onto its per-packet state model, the rest as parsed', () => {
    expect(parseModeSpec('packet')).toMatchObject({ assignment: 'packet', state: 'packet' });
    expect(parseModeSpec('smartflow:5')).toMatchObject({ label: 'smartflow:5', assignment: 'smartflow', smartflowPeriodNs: 5e6, state: 'reactive' });
  });
});

describe('--ctrl (snf sim, snf bench live)', () => {
  test('name=value pairs: numbers and booleans; bad items are usage errors', () => {
    expect(parseCtrlFlag('alpha=0.5,sizeForkStays=false,idleRetireNs=1e7')).toEqual({ alpha: 0.5, sizeForkStays: false, idleRetireNs: 1e7 });
    expect(parseCtrlFlag(undefined)).toEqual({});
    expect(() => parseCtrlFlag('alpha')).toThrow(SnfError);
    expect(() => parseCtrlFlag('alpha=soon')).toThrow(/--ctrl alpha/);
  });
});
