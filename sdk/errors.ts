/**
 * SNF errors: one base class, a stable code, a retriable flag, the cause kept.
 * The table in docs/errors.md is kept in step with ERROR_CODES by a unit test.
 */
export const ERROR_CODES = {
  SNF_ERR_CONFIG: { retriable: false, http: 400, text: 'a configuration value is missing, unknown or invalid' },
  SNF_ERR_CONFIG_SOURCE: { retriable: true, http: 503, text: 'a configuration source (file, Redis) could not be read' },
  SNF_ERR_DATA_MISSING: { retriable: false, http: 500, text: 'the real traces and rules (SNF_DATA or ../shared/data) are required but missing' },
  SNF_ERR_PCAP_FORMAT: { retriable: false, http: 400, text: 'a capture file is not pcap or pcapng, or is damaged' },
  SNF_ERR_RULES: { retriable: false, http: 400, text: 'an IDS rule file could not be parsed' },
  SNF_ERR_SIM_INVARIANT: { retriable: false, http: 500, text: 'the simulator lost or duplicated a packet (a bug, never input)' },
  SNF_ERR_STATE_CODEC: { retriable: false, http: 400, text: 'a per-flow state value could not be decoded' },
  SNF_ERR_USAGE: { retriable: false, http: 400, text: 'a command line flag or argument is invalid' },
  SNF_ERR_UNIT_START: { retriable: true, http: 503, text: 'a compute unit could not be started or did not accept the data-plane handshake' },
  SNF_ERR_UNKNOWN_FUNCTION: { retriable: false, http: 404, text: 'no network function of that name' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SnfError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  override readonly cause?: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message);
    this.name = 'SnfError';
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** A configuration error names the offending field with a dotted path (e.g. `ports.min`). */
export class ConfigError extends SnfError {
  readonly field: string;
  constructor(field: string, message: string, options: { cause?: unknown } = {}) {
    super('SNF_ERR_CONFIG', `${field}: ${message}`, options);
    this.name = 'ConfigError';
    this.field = field;
  }
}
