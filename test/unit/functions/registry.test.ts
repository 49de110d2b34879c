import { FUNCTIONS, FUNCTION_NAMES, getFunction } from '../../../functions';
import { SnfError } from '../../../sdk/errors';

it('registers the five NFs of the paper under their names', () => {
  expect([...FUNCTION_NAMES].sort()).toEqual(['ids', 'lb', 'nat', 'noop', 'qos', 'udp-whitelist']);
  for (const name of FUNCTION_NAMES) expect(getFunction(name).name).toBe(name);
  expect(FUNCTIONS.nat).toBe(getFunction('nat'));
});

it('names the unknown function and the known ones', () => {
  expect(() => getFunction('firewall')).toThrow(SnfError);
  expect(() => getFunction('toString')).toThrow(/no network function named "toString" \(known: nat, lb, ids, udp-whitelist, qos, noop\)/);
  try {
    getFunction('x');
  } catch (e) {
    expect((e as SnfError).code).toBe('SNF_ERR_UNKNOWN_FUNCTION');
  }
});
