/**
 * Every `snf` subcommand, in the order `snf --help` lists them: its name and how to load the module
 * that registers it. Loading is lazy because a compute unit is `snf watchdog`: importing every
 * command (bench, demo's report renderer, Kafka, Redis…) cost a unit ~0.45 s of start-up and
 * ~17 MB of heap it never used (measured 2026-12-03: all commands 448 ms / 27.3 MB heap,
 * `watchdog` alone 175 ms / 10.7 MB).
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

export const COMMANDS: ReadonlyArray<{ name: string; load: () => Register }> = [
  { name: 'demo', load: () => (require('./demo') as typeof import('./demo')).register },
  { name: 'nf', load: () => (require('./nf') as typeof import('./nf')).register },
  { name: 'trace', load: () => (require('./trace') as typeof import('./trace')).register },
  { name: 'bench', load: () => (require('./bench') as typeof import('./bench')).register },
  { name: 'sim', load: () => (require('./sim') as typeof import('./sim')).register },
  { name: 'gateway', load: () => (require('./gateway') as typeof import('./gateway')).register },
  { name: 'watchdog', load: () => (require('./watchdog') as typeof import('./watchdog')).register },
  { name: 'replay', load: () => (require('./replay') as typeof import('./replay')).register },
  { name: 'up', load: () => (require('./up') as typeof import('./up')).register },
];

/** The commands to register for this command line: only the one it names, or all (help, errors). */
export function commandsFor(argv: readonly string[]): ReadonlyArray<Register> {
  const named = COMMANDS.find((c) => c.name === argv[2]);
  return named !== undefined ? [named.load()] : COMMANDS.map((c) => c.load());
}
