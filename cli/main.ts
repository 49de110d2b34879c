/**
 * `snf` entry point: only wiring. Each command lives in cli/commands/<name>.ts and exports
 * `register(program)`; this file builds the program and maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { SnfError } from '../sdk/errors';
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { commandsFor } from './commands';

/** The program for `argv` (node, script, command, …): registers only the command it names, if any. */
export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command('snf')
    .description('SNF — Serverless Network Functions on OpenFaaS')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  for (const register of commandsFor(argv)) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof SnfError) {
      process.stderr.write(`snf: ${err.code}: ${err.message}\n`);
      return err.code === 'SNF_ERR_USAGE' ? 2 : 1;
    }
    throw err;
  }
}

/** The package version, found from both the sources (cli/) and the build (dist/cli/). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  return 'unknown';
}
