import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataDir, projectRoot, requireData } from '../../../trace/data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snf-data-'));
fs.mkdirSync(path.join(tmp, 'traces'));
fs.writeFileSync(path.join(tmp, 'traces', 'x.pcap'), '');

test('projectRoot holds package.json', () => {
  expect(fs.existsSync(path.join(projectRoot(), 'package.json'))).toBe(true);
});

test('SNF_DATA wins when set; a missing directory is null', () => {
  expect(dataDir({ SNF_DATA: tmp })).toBe(tmp);
  expect(dataDir({ SNF_DATA: path.join(tmp, 'nope') })).toBeNull();
});

test('requireData returns the file, or null with one line naming SNF_DATA', () => {
  expect(requireData('traces/x.pcap', { SNF_DATA: tmp })).toBe(path.join(tmp, 'traces', 'x.pcap'));
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(requireData('traces/missing.pcap', { SNF_DATA: tmp })).toBeNull();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(String(spy.mock.calls[0]![0])).toMatch(/SNF_DATA/);
  } finally {
    spy.mockRestore();
  }
});

test('under CI=true missing data is a failure', () => {
  expect(() => requireData('traces/missing.pcap', { SNF_DATA: path.join(tmp, 'nope'), CI: 'true' })).toThrow(/SNF_DATA/);
});
