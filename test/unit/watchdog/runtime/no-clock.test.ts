import * as fs from 'fs';
import * as path from 'path';

// The dependency rule `watchdog-runtime-is-pure` keeps I/O modules out of watchdog/runtime/; this
// keeps the globals out that no import shows: time is a parameter there, and nothing is scheduled.
const DIR = path.join(__dirname, '../../../../watchdog/runtime');
const FORBIDDEN = /\b(Date\.now|new Date\(|performance\.|process\.hrtime|setTimeout|setInterval|setImmediate|console\.)/;

test.each(fs.readdirSync(DIR).filter((f) => f.endsWith('.ts')))('watchdog/runtime/%s reads no clock and schedules nothing', (file) => {
  const code = fs.readFileSync(path.join(DIR, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n').map((l) => l.replace(/\/\/.*$/, '')).join('\n');
  expect(code.match(FORBIDDEN)?.[0] ?? null).toBeNull();
});
