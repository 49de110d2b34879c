/**
 * Reading a rule file: comment handling, `\` line continuation, dialect detection, per-rule
 * warnings. A malformed rule is skipped with a warning naming file:line; only an unreadable file
 * is an error (SNF_ERR_RULES).
 */
import { readFileSync } from 'node:fs';
import { SnfError } from '../../../sdk/errors';
import { parseRule } from './parse-rule';
import type { Rule, RuleDialect, RuleFile, RuleWarning } from './types';

/** `# alert …` and friends: a rule its publisher switched off. */
const COMMENTED_RULE = /^#+\s*(alert|drop|reject|pass|log|sdrop)\s+\S+\s.*\(.*\)\s*$/;

export function readRuleFile(file: string, dialect?: RuleDialect): RuleFile {
  let text: string;
  try {
    // latin1: one char per byte, so content bytes written outside |hex| survive exactly.
    text = readFileSync(file, 'latin1');
  } catch (cause) {
    throw new SnfError('SNF_ERR_RULES', `cannot read rule file ${file}: ${(cause as Error).message}`, { cause });
  }
  return parseRuleText(text, file, dialect);
}

/** Parses the text of a rule file (`file` is used only in warnings). */
export function parseRuleText(text: string, file: string, dialect: RuleDialect = detectDialect(text)): RuleFile {
  const rules: Rule[] = [];
  const warnings: RuleWarning[] = [];
  const counts = { active: 0, commented: 0, malformed: 0 };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let ruleText = lines[i]!.trim();
    // Trailing backslash: the rule continues on the next line.
    while (ruleText.endsWith('\\') && i + 1 < lines.length) {
      ruleText = ruleText.slice(0, -1) + ' ' + lines[++i]!.trim();
    }
    if (ruleText === '') continue;
    if (ruleText.startsWith('#')) {
      if (COMMENTED_RULE.test(ruleText)) counts.commented++;
      continue;
    }
    const rule = parseRule(ruleText, dialect, { file, line });
    if (typeof rule === 'string') {
      counts.malformed++;
      warnings.push({ file, line, message: rule });
    } else {
      counts.active++;
      rules.push(rule);
    }
  }
  return { file, dialect, rules, warnings, counts };
}

/**
 * Snort 3 is recognised by modifiers inside a content option (`content:"x",nocase`); Suricata by
 * dotted sticky buffers or app-layer protocols in the header; everything else is Snort 2.
 */
export function detectDialect(text: string): RuleDialect {
  if (/content:\s*!?\s*"(?:[^"\\\n]|\\.)*"\s*,/.test(text)) return 'snort3';
  if (/;\s*(?:http|dns|tls|file|ja3|ja3s|ssh|smb)\.[a-z_.]+\s*;/.test(text)) return 'suricata';
  if (/^(?:alert|drop|reject|pass)\s+(?:http|dns|tls|smb|ftp|smtp|ssh)\s/m.test(text)) return 'suricata';
  return 'snort2';
}

export function formatWarning(w: RuleWarning): string {
  return `${w.file}:${w.line}: ${w.message}`;
}
