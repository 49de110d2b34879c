import { readFileSync } from 'fs';
import { join } from 'path';
import { ERROR_CODES } from '../../../sdk/errors';

// docs/errors.md is the operator-facing copy of ERROR_CODES; they must not drift apart.
describe('docs/errors.md', () => {
  const rows = readFileSync(join(__dirname, '../../../docs/errors.md'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| SNF_ERR_'))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));

  it('lists every code exactly once, with the same retriable flag, status and meaning', () => {
    const documented = new Map(rows.map(([code, retriable, http, text]) => [code, { retriable, http, text }]));
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(rows.length).toBe(documented.size);
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code)).toEqual({ retriable: spec.retriable ? 'yes' : 'no', http: String(spec.http), text: spec.text });
    }
  });
});
