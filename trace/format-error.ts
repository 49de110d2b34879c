/** The one way trace/ reports a damaged capture: which file, which byte, what was wrong. */
import { SnfError } from '../sdk/errors';

export function pcapFormatError(path: string, offset: number, what: string): SnfError {
  return new SnfError('SNF_ERR_PCAP_FORMAT', `${path}: ${what} at byte offset ${offset}`);
}

/** Records or blocks larger than this are taken as corruption, not data (no link carries them). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
