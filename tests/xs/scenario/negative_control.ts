/**
 * A deliberately non-portable "core" file: it reaches for Node's Buffer. The conformance test
 * bundles it for XS to prove the harness really fails when the core uses a Node-only facility.
 * (Module-scoped declarations, so they do not clash with @types/node.)
 */
declare const Buffer: { from(text: string): { length: number } };
declare const print: (text: string) => void;

const bytes = Buffer.from('AA');
print(`RESULT ${JSON.stringify({ length: bytes.length })}`);

export {};
