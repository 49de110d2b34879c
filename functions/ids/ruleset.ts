/**
 * Configuration → rules → pattern set → matcher: everything the IDS builds once, before the
 * first packet. Unreadable files throw SnfError SNF_ERR_RULES; malformed rules only warn.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SnfError } from '../../sdk/errors';
import type { IdsConfig } from './config';
import { DEMO_RULES, DEMO_RULES_FILE } from './demo-rules';
import { PatternMatcher } from './pattern-matcher';
import { buildPatternSet, type PatternSet, type PatternSetCounts } from './pattern-set';
import { parseRuleText, readRuleFile, type Rule, type RuleDialect, type RuleFileCounts, type RuleWarning } from './rules';

export interface RuleFileReport {
  readonly file: string;
  readonly dialect: RuleDialect;
  readonly counts: RuleFileCounts;
}

export interface IdsBuildReport {
  readonly files: RuleFileReport[];
  readonly warnings: RuleWarning[];
  readonly patterns: PatternSetCounts;
  /** folded: the all-patterns scanning automaton; exact: the case-sensitive one (packet heads/tails). */
  readonly automatonStates: { exact: number; folded: number };
  readonly memoryBytes: number;
  readonly buildMs: number;
}

export interface IdsBuild {
  readonly set: PatternSet;
  readonly matcher: PatternMatcher;
  readonly report: IdsBuildReport;
  /** sid → the rule's msg and rev (the first rule of a sid wins), for alert records. */
  readonly signatures: ReadonlyMap<number, { readonly msg: string; readonly rev: number }>;
}

/** The rule files named by `rules` and `ruleSets` (absolute paths, sorted within a set). */
export function ruleFilesOf(config: IdsConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const files = config.rules.map((f) => resolve(f));
  if (config.ruleSets.length === 0) return files;
  const base = config.dataDir !== '' ? resolve(config.dataDir) : env.SNF_DATA ? resolve(env.SNF_DATA) : join(projectRoot(), '..', 'shared', 'data');
  for (const set of config.ruleSets) {
    if (set === 'snort3-community') files.push(join(base, 'rules/snort3-community/snort3-community.rules'));
    else if (set === 'snort2-community') files.push(join(base, 'rules/snort2-community/community.rules'));
    else {
      const dir = join(base, 'rules/et-open-suricata-5.0');
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.rules')).sort();
      } catch (cause) {
        throw new SnfError('SNF_ERR_RULES', `rule set et-open: cannot list ${dir}: ${(cause as Error).message}`, { cause });
      }
      for (const n of names) files.push(join(dir, n));
    }
  }
  return files;
}

export function buildIds(config: IdsConfig, env: NodeJS.ProcessEnv = process.env): IdsBuild {
  const t0 = process.hrtime.bigint();
  const files = ruleFilesOf(config, env);
  const dialect = config.dialect === 'auto' ? undefined : config.dialect;
  const parsed = files.length > 0 ? files.map((f) => readRuleFile(f, dialect)) : [parseRuleText(DEMO_RULES, DEMO_RULES_FILE, dialect ?? 'snort2')];
  const rules: Rule[] = [];
  for (const f of parsed) for (const r of f.rules) rules.push(r);
  const set = buildPatternSet(rules, {
    scope: config.contentScope,
    maxPatternsPerRule: config.maxPatternsPerRule,
    minPatternLength: config.minPatternLength,
  });
  const matcher = new PatternMatcher(set.patterns, { denseBudgetBytes: config.denseTableMiB * 1024 * 1024 });
  const report: IdsBuildReport = {
    files: parsed.map((f) => ({ file: f.file, dialect: f.dialect, counts: f.counts })),
    warnings: parsed.flatMap((f) => f.warnings),
    patterns: set.counts,
    automatonStates: { exact: matcher.stream.exact.stateCount, folded: matcher.stream.folded.stateCount },
    memoryBytes: matcher.memoryBytes,
    buildMs: Number(process.hrtime.bigint() - t0) / 1e6,
  };
  const signatures = new Map<number, { msg: string; rev: number }>();
  for (const r of rules) if (!signatures.has(r.sid)) signatures.set(r.sid, { msg: r.msg, rev: r.rev });
  return { set, matcher, report, signatures };
}

/** The nearest directory above this file holding package.json (works from dist/ too). */
function projectRoot(): string {
  for (let dir = __dirname; ; ) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
