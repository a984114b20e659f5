import type { CliCommand } from '../command';
import { baselineCommand } from './baseline';
import { compressCommand } from './compress';
import { datasetCommand } from './dataset';
import { evalCommand } from './eval';
import { exportCommand } from './export';
import { infoCommand } from './info';
import { newCommand } from './new';
import { serveCommand } from './serve';
import { trainCommand } from './train';

/** Every command, in the order `--help` lists them; add new commands here. */
export const COMMANDS: readonly CliCommand[] = [newCommand, infoCommand, datasetCommand, trainCommand, evalCommand, compressCommand, exportCommand, serveCommand, baselineCommand];
