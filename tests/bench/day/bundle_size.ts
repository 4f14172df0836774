/** The device bundle of the core as the issue measures it: esbuild, gateway.ts and everything it imports, minified. */
import { buildSync } from 'esbuild';

export function coreBundleBytes(): number {
  const result = buildSync({ entryPoints: ['modules/gateway/gateway.ts'], bundle: true, minify: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'error' });
  return result.outputFiles[0].contents.length;
}
