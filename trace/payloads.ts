/**
 * Application payloads for synthetic traffic: HTTP requests (some carrying strings IDS rule
 * sets look for: "/etc/passwd", "cmd.exe", SQL injection), HTTP responses, DNS-like messages.
 */
import type { Prng } from '../sdk/prng';

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
  'curl/8.4.0',
  'Wget/1.21.4',
  'python-requests/2.31.0',
  'Nikto/2.5.0',
];

const PATHS = [
  '/index.html',
  '/images/logo.png',
  '/api/v1/items?page=2',
  '/cgi-bin/../../../../etc/passwd',
  '/scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir',
  '/login.php?user=admin%27%20OR%201=1--',
  '/wp-admin/admin-ajax.php',
  '/search?q=%3Cscript%3Ealert(1)%3C/script%3E',
];

const HOSTS = ['www.example.com', 'cdn.example.net', 'shop.example.org'];

export function httpRequest(rng: Prng): Buffer {
  const method = rng.chance(0.85) ? 'GET' : 'POST';
  const body = method === 'POST' ? 'username=admin&password=hunter2' : '';
  const lines = [
    `${method} ${rng.pick(PATHS)} HTTP/1.1`,
    `Host: ${rng.pick(HOSTS)}`,
    `User-Agent: ${rng.pick(AGENTS)}`,
    'Accept: */*',
    ...(body ? ['Content-Type: application/x-www-form-urlencoded', `Content-Length: ${body.length}`] : []),
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

const FILLER = Buffer.from(
  '<html><head><title>Example</title></head><body><p>Lorem ipsum dolor sit amet, consectetur ' +
    'adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p></body></html>\n',
  'latin1',
);

/** `length` bytes of a response body stream: an HTTP header first, then repeating HTML. */
export function httpResponseChunk(offset: number, length: number, total: number): Buffer {
  const header = Buffer.from(`HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: ${total}\r\n\r\n`, 'latin1');
  const b = Buffer.alloc(length);
  let i = 0;
  if (offset < header.length) i = header.copy(b, 0, offset, Math.min(header.length, offset + length));
  while (i < length) {
    const at = (offset + i - header.length) % FILLER.length;
    i += FILLER.copy(b, i, at, Math.min(FILLER.length, at + length - i));
  }
  return b;
}

/** Opaque bytes (TLS/SSH-like traffic): one seed from `rng`, then a cheap xorshift per word. */
export function opaque(rng: Prng, length: number): Buffer {
  const b = Buffer.alloc(length);
  let x = rng.int(1, 0x7fffffff);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

export const DNS_NAMES = ['www.example.com', 'mail.example.org', 'update.example.net', 'c2.badexample.biz', 'api.example.io'];

/** A DNS-like query (header + one question) or, with `answer`, a response echoing it plus an A record. */
export function dnsMessage(rng: Prng, id: number, answer: boolean, name = rng.pick(DNS_NAMES)): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  const qname = Buffer.concat([...labels, Buffer.from([0])]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id & 0xffff, 0);
  header.writeUInt16BE(answer ? 0x8180 : 0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answer ? 1 : 0, 6);
  const question = Buffer.concat([qname, Buffer.from([0, 1, 0, 1])]);
  if (!answer) return Buffer.concat([header, question]);
  const rr = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 198, 51, 100, rng.int(1, 254)]);
  return Buffer.concat([header, question, rr]);
}
