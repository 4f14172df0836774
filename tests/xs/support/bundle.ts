/** Bundles a portable entry for the bare XS engine: one script, no Node shims, no externals. */
import { buildSync } from 'esbuild';

/** `define` replaces free identifiers with constants (the bench passes its step count this way). */
export function bundleForXs(entry: string, outfile: string, define: Record<string, string> = {}): void {
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'neutral',
    format: 'iife',
    target: 'es2022',
    mainFields: ['module', 'main'],
    logLevel: 'error',
    // Anything that reaches for Node must fail here or at run time on XS, never be polyfilled.
    define,
  });
}
