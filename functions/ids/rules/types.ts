/** What the rule parser extracts from Snort 2, Snort 3 and Suricata rule files. */

/** Rule syntax families. Snort 2 and Suricata share the "classic" option grammar. */
export type RuleDialect = 'snort2' | 'snort3' | 'suricata';

/** One `content:` option, decoded. */
export interface ContentOption {
  /** Decoded bytes (`|hex|` spans and `\` escapes resolved). */
  readonly bytes: Buffer;
  nocase: boolean;
  /** `content:!"…"`: the rule requires the bytes to be absent (never used as a match pattern). */
  readonly negated: boolean;
  /** Canonical buffer name (Suricata spelling, e.g. `http.uri`); `pkt_data` is the raw payload. */
  buffer: string;
  /** Marked `fast_pattern` by the rule author. */
  fastPattern: boolean;
}

export interface Rule {
  readonly sid: number;
  readonly rev: number;
  readonly msg: string;
  /** alert, drop, reject, pass, … as written. */
  readonly action: string;
  /** Protocol or app-layer keyword as written (tcp, udp, ip, http, dns, tls, …). */
  readonly proto: string;
  readonly contents: ContentOption[];
  /** Where the rule starts (1-based line). */
  readonly file: string;
  readonly line: number;
}

export interface RuleWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface RuleFileCounts {
  /** Uncommented rules parsed. */
  active: number;
  /** `# alert …`-style lines: rules switched off by their publisher. */
  commented: number;
  /** Uncommented rules that could not be parsed (each has a warning). */
  malformed: number;
}

export interface RuleFile {
  readonly file: string;
  readonly dialect: RuleDialect;
  readonly rules: Rule[];
  readonly warnings: RuleWarning[];
  readonly counts: RuleFileCounts;
}
