import type * as dgram from 'dgram';
import { UdpEgress } from '../../../../gateway/egress/udp-egress';
import { parseEgressSpec } from '../../../../gateway/egress/sink-spec';

/** A socket whose send queue the test controls; sends complete only when `complete` is called. */
function fakeSocket() {
  const queue: Array<(err: Error | null) => void> = [];
  const sent: Buffer[] = [];
  const socket = {
    getSendQueueCount: () => queue.length,
    send: (b: Buffer, _port: number, _host: string, cb: (err: Error | null) => void) => {
      sent.push(b);
      queue.push(cb);
    },
  } as unknown as dgram.Socket;
  return { socket, sent, complete: (err: Error | null = null) => queue.shift()!(err) };
}

test('forwards packets as datagrams (copied), drops are not sent', () => {
  const f = fakeSocket();
  const e = new UdpEgress(f.socket, '127.0.0.1', 9, 4);
  const buf = Buffer.from('xxabcxx');
  e.emit(0, 0, 0, 0, buf, 2, 3);
  e.emit(1, 0, 1, 0, buf, 0, 0);
  buf.fill(0);
  expect(f.sent.map(String)).toEqual(['abc']);
  expect(e.counters).toEqual({ packets: 1, dropped: 0, sendErrors: 0 });
});

test('the send queue is bounded: beyond it packets are dropped and counted; failed sends are counted', () => {
  const f = fakeSocket();
  const e = new UdpEgress(f.socket, '127.0.0.1', 9, 2);
  const p = Buffer.from('pkt');
  for (let i = 0; i < 5; i++) e.emit(i, 0, 0, 0, p, 0, 3);
  expect(e.counters).toEqual({ packets: 2, dropped: 3, sendErrors: 0 });
  f.complete(new Error('EPERM'));
  e.emit(5, 0, 0, 0, p, 0, 3);
  expect(e.counters).toEqual({ packets: 3, dropped: 3, sendErrors: 1 });
});

test('egress spec: udp:host:port or pcap:file, anything else a ConfigError', () => {
  expect(parseEgressSpec(null)).toBeNull();
  expect(parseEgressSpec('udp:127.0.0.1:9000')).toEqual({ kind: 'udp', host: '127.0.0.1', port: 9000 });
  expect(parseEgressSpec('pcap:/tmp/out.pcap')).toEqual({ kind: 'pcap', file: '/tmp/out.pcap' });
  for (const bad of ['udp:127.0.0.1', 'udp:h:0', 'udp:h:70000', 'pcap:', 'tcp:h:1']) expect(() => parseEgressSpec(bad)).toThrow(/udpEgress/);
});
