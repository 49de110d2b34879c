/**
 * Where a content is matched. Every rule dialect names inspection buffers differently; this
 * table maps all spellings to one canonical (Suricata-style) name and says whether the buffer's
 * bytes can be found verbatim in the raw TCP/UDP payload stream, which is all this IDS sees (it
 * has no HTTP/TLS/DNS parser).
 *
 * - `payload`: the raw payload itself (`pkt_data`, `raw_data`, no buffer).
 * - `visible`: an app-layer buffer whose bytes normally appear unchanged in the stream: the URI in
 *   the request line, header values, bodies that are not compressed or chunked, the TLS SNI and
 *   certificates in a TLS ≤ 1.2 handshake, DCE/RPC stub data. Matching these on the stream is an
 *   approximation (no URI normalisation, no header-field boundaries, no decompression).
 * - `derived`: bytes computed by the engine that never appear as such on the wire (JA3 hashes,
 *   DNS names in dotted form vs. length-prefixed labels, base64-decoded data, formatted
 *   certificate fields, the header-names list). Never matched.
 */

export type BufferScope = 'payload' | 'visible' | 'derived';

export const RAW_PAYLOAD = 'pkt_data';

/** Canonical name per spelling (Snort 2/3 underscore names, Suricata old names). */
const ALIASES: Record<string, string> = {
  pkt_data: RAW_PAYLOAD,
  raw_data: RAW_PAYLOAD,
  http_uri: 'http.uri',
  http_raw_uri: 'http.uri.raw',
  http_header: 'http.header',
  http_raw_header: 'http.header.raw',
  http_method: 'http.method',
  http_cookie: 'http.cookie',
  http_raw_cookie: 'http.cookie',
  http_user_agent: 'http.user_agent',
  http_host: 'http.host',
  http_raw_host: 'http.host.raw',
  http_client_body: 'http.request_body',
  http_server_body: 'http.response_body',
  http_stat_code: 'http.stat_code',
  http_stat_msg: 'http.stat_msg',
  http_raw_request: 'http.request_line',
  http_raw_status: 'http.response_line',
  file_data: 'file.data',
  base64_data: 'base64_data',
  dns_query: 'dns.query',
  tls_sni: 'tls.sni',
  tls_cert_subject: 'tls.cert_subject',
  tls_cert_issuer: 'tls.cert_issuer',
  tls_cert_serial: 'tls.cert_serial',
  ja3_hash: 'ja3.hash',
  ja3s_hash: 'ja3s.hash',
  ssh_proto: 'ssh.proto',
  dce_stub_data: 'dce_stub_data',
  sip_header: 'sip.header',
  sip_body: 'sip.body',
  uricontent: 'http.uri',
};

const DERIVED = new Set([
  'dns.query', 'ja3.hash', 'ja3.string', 'ja3s.hash', 'ja3s.string', 'base64_data',
  'tls.cert_subject', 'tls.cert_issuer', 'tls.cert_serial', 'tls.cert_fingerprint',
  'http.header_names', 'http.uri.normalized',
]);

/** Buffers that are lowercased by the engine, so their contents are matched case-insensitively. */
const CASELESS = new Set(['http.host', 'tls.sni']);

/** Snort 2 / Suricata content modifiers: written after the content they re-target. */
export const CLASSIC_MODIFIERS = new Set([
  'http_uri', 'http_raw_uri', 'http_header', 'http_raw_header', 'http_method', 'http_cookie',
  'http_raw_cookie', 'http_user_agent', 'http_host', 'http_raw_host', 'http_client_body',
  'http_server_body', 'http_stat_code', 'http_stat_msg',
]);

/** Snort 2 / Suricata sticky buffers spelled with underscores (dotted names are always sticky). */
export const CLASSIC_STICKY = new Set([
  'pkt_data', 'file_data', 'base64_data', 'dns_query', 'tls_sni', 'tls_cert_subject',
  'tls_cert_issuer', 'tls_cert_serial', 'ja3_hash', 'ja3s_hash', 'ssh_proto', 'dce_stub_data',
]);

/** Snort 3: every buffer keyword is sticky (written before its contents). */
export const SNORT3_STICKY = new Set([
  ...CLASSIC_MODIFIERS, ...CLASSIC_STICKY, 'raw_data', 'http_raw_request', 'http_raw_status',
  'http_true_ip', 'http_version', 'http_trailer', 'http_raw_trailer', 'http_raw_body', 'js_data',
  'sip_header', 'sip_body', 'vba_data',
]);

export function canonicalBuffer(keyword: string): string {
  return ALIASES[keyword] ?? keyword;
}

export function bufferScope(canonical: string): BufferScope {
  if (canonical === RAW_PAYLOAD) return 'payload';
  if (DERIVED.has(canonical)) return 'derived';
  if (canonical.startsWith('http.') || canonical.startsWith('file.') || canonical === 'file_data') return 'visible';
  if (canonical === 'tls.sni' || canonical === 'tls.certs' || canonical === 'dce_stub_data') return 'visible';
  if (canonical.startsWith('sip.') || canonical === 'ssh.proto' || canonical === 'http_raw_body') return 'visible';
  return 'derived';
}

export function bufferIsCaseless(canonical: string): boolean {
  return CASELESS.has(canonical);
}
