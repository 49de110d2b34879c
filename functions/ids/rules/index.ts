/** Rule-file reading for the IDS: parse Snort 2, Snort 3 and Suricata rules into content patterns. */
export * from './types';
export { readRuleFile, parseRuleText, detectDialect, formatWarning } from './rule-file';
export { parseRule } from './parse-rule';
export { decodeContent } from './content';
export { bufferScope, canonicalBuffer, RAW_PAYLOAD } from './buffers';
export type { BufferScope } from './buffers';
