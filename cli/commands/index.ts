/** Every `snf` subcommand, in the order `snf --help` lists them. One module per command group. */
import type { Command } from 'commander';
import { register as nf } from './nf';
import { register as trace } from './trace';
import { register as bench } from './bench';
import { register as sim } from './sim';
import { register as watchdog } from './watchdog';
import { register as gateway } from './gateway';
import { register as replay } from './replay';
import { register as up } from './up';
import { register as demo } from './demo';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [demo, nf, trace, bench, sim, gateway, watchdog, replay, up];
