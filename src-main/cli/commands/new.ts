import { resolve } from 'node:path';
import { createProjectFiles } from '../../services/project-files';
import { appVersion } from '../app-env';
import { EXIT, UsageError, type CliCommand } from '../command';

/** `model-studio new <parent-dir> --name <Name>`: creates a project and prints its file path. */
export const newCommand: CliCommand = {
  name: 'new',
  summary: 'Create a project: <parent-dir>/<Name>/<Name>.mstudio',
  usage: `model-studio new <parent-dir> --name <Name>

Creates the folder <parent-dir>/<Name> with the project file <Name>.mstudio and the folders
datasets/, checkpoints/, runs/ and exports/, then prints the path of the project file.
<parent-dir> must exist; <Name> must be a valid file name (at most 64 characters).
  --name <Name>   the project name`,
  options: { name: { type: 'string' } },
  positionals: 1,
  async run({ values, positionals, io }) {
    const name = values.name;
    if (typeof name !== 'string') throw new UsageError('new needs --name <Name>.');
    const view = await createProjectFiles(resolve(io.cwd, positionals[0]!), name, appVersion());
    io.stdout(`${view.path}\n`);
    return EXIT.ok;
  },
};
