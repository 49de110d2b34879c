/** Every `snf` subcommand, in the order `snf --help` lists them. One module per command group. */
import type { Command } from 'commander';
import { register as nf } from './nf';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [nf];
