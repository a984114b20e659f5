/**
 * The `model-studio` command's entry, built into `out/cli/model-studio.mjs` (`npm run build`) and run from source by bin/model-studio.js.
 * `--version` answers before anything else loads; every other command loads the command table
 * (TensorFlow.js, onnxruntime, sharp, …) on demand. The bundle sits two folders below the
 * package root, like the sources, so paths to package.json and resources/ hold in both.
 */
import { appVersion } from './app-env';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${appVersion()}\n`);
} else {
  const { runCli } = await import('./main');
  process.exitCode = await runCli(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  });
}
