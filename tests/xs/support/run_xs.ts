import { spawnSync } from 'node:child_process';
import { ensureXsnapBinary } from './xsnap_binary';

export interface XsRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script file in XS (plain xsnap) and returns what it printed. */
export function runInXs(scriptPath: string): XsRun {
  const binary = ensureXsnapBinary();
  const result = spawnSync(binary, ['-s', scriptPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The last line printed as `RESULT <json>` by an XS entry. */
export function resultOf(run: XsRun): unknown {
  const line = run.stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`XS printed no RESULT line (status ${run.status})\nstdout: ${run.stdout.slice(-2000)}\nstderr: ${run.stderr.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length));
}
