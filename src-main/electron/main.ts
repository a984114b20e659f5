/** The Electron main entry: starts the studio shell with this process's launch facts. */
import { runApp } from './lifecycle';

runApp({ platform: process.platform, argv: process.argv, cwd: process.cwd(), env: process.env });
