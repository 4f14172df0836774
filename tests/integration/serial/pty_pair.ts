/**
 * A pair of linked pseudo-terminals from Debian's `socat` (scripts/install-test-deps.sh): bytes
 * written to one end come out of the other through the kernel's tty layer, as with a USB-UART
 * cable — so the real serialport path (open, termios, baud, partial reads) runs in tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

export function openPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const paths: string[] = [];
    let text = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`socat gave no PTY pair within ${timeoutMs} ms: ${text}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`socat not runnable (scripts/install-test-deps.sh installs it): ${error.message}`));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      for (const match of text.matchAll(/PTY is (\/dev\/\S+)/g)) if (!paths.includes(match[1])) paths.push(match[1]);
      if (paths.length === 2 && /starting data transfer loop/.test(text)) {
        clearTimeout(timer);
        resolve({
          a: paths[0],
          b: paths[1],
          close: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}
