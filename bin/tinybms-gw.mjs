#!/usr/bin/env node
// Launcher for the `tinybms-gw` CLI: registers tsx so the TypeScript sources run as they are
// (no build step after `npm ci`), then hands the arguments to hosts/node/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import(new URL('../hosts/node/cli/main.ts', import.meta.url).href);
const io = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
try {
  process.exitCode = await runCli(process.argv.slice(2), io);
} catch (error) {
  process.stderr.write(`tinybms-gw: internal error: ${error?.stack ?? error}\n`);
  process.exitCode = 70;
}
