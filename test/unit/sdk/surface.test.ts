/** The SDK's boundary: one import gives the whole surface, and sdk/ imports nothing from outside. */
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';
import * as sdk from '../../../sdk';
import { buildIpv4 } from '../../helpers/packets';

const SDK_DIR = path.resolve(__dirname, '../../../sdk');

describe('sdk surface', () => {
  test('sdk/index re-exports what function authors use', () => {
    for (const name of ['Packet', 'PacketClass', 'PACKET_CLASS_REASON', 'Verdict', 'FlowTable', 'flowKeyOf', 'canonicalKey', 'connectionHash', 'RecordingFlowState', 'jsonCodec', 'object', 'integer', 'ipv4', 'cidr', 'optional', 'LocalRuntime', 'SnfError', 'ConfigError', 'verifyChecksums', 'TCP_SYN', 'IPPROTO_UDP']) {
      expect([name, typeof (sdk as Record<string, unknown>)[name]]).not.toEqual([name, 'undefined']);
    }
  });

  test('sdk/*.ts imports only sdk/ files and node built-ins', () => {
    const bad: string[] = [];
    for (const f of fs.readdirSync(SDK_DIR).filter((x) => x.endsWith('.ts'))) {
      const src = fs.readFileSync(path.join(SDK_DIR, f), 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]/gm)) {
        const spec = (m[1] ?? m[2] ?? m[3])!;
        const ok = spec.startsWith('./') ? !spec.includes('..') : builtinModules.includes(spec.replace(/^node:/, ''));
        if (!ok) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('the test packet builder produces the bytes tcpdump verified (checksums "correct")', () => {
    // `tcpdump -vv` on these two packets: "cksum 0x4ef1 (correct)" and "[udp sum ok]".
    expect(buildIpv4({ proto: 'tcp', src: '10.0.0.1', sport: 1234, dst: '10.0.0.2', dport: 80, payload: 'hello' }).toString('hex')).toBe(
      '4500002d12340000400654950a0000010a00000204d20050000003e8000000005010ffff4ef1000068656c6c6f',
    );
    expect(buildIpv4({ proto: 'udp', src: '192.168.1.1', sport: 53, dst: '8.8.8.8', dport: 5353, payload: 'abc' }).toString('hex')).toBe(
      '4500001f12340000401196e1c0a8010108080808003514e9000b549e616263',
    );
  });
});
