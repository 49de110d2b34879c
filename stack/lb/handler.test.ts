// The image's handler is the built-in NF (its behaviour is tested in the SNF project's suite).
import { LocalRuntime } from 'snf/sdk';
import nf from './handler';

test('lb: the handler is the built-in lb, and it runs on its default configuration', () => {
  expect(nf.name).toBe('lb');
  expect(new LocalRuntime(nf).snapshot()).toMatchObject({ packets: 0, flows: 0 });
});
