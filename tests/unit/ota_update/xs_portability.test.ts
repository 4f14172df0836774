/**
 * ota_update in the bare XS engine gives the Node answers: the same image accepted (byte-for-byte
 * SHA-256), tampered, truncated and wrongly signed uploads refused, the health check confirming.
 * Signature checks there run the ESP32 host's pure-JS RSA/ECDSA code.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForXs } from '../../xs/support/bundle';
import { resultOf, runInXs } from '../../xs/support/run_xs';
import { BOUNDARY, makeKeys, randomImage, sign } from './support/upload_fixtures';

jest.setTimeout(120_000);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ota_update on the XS engine', () => {
  it('verifies RSA and ECDSA signed uploads and refuses bad ones exactly as on Node', () => {
    const rsa = makeKeys('rsa2048');
    const ec = makeKeys('p256');
    const image = randomImage(20_000);
    const fixture = { rsaPem: rsa.publicPem, ecPem: ec.publicPem, imageHex: hex(image), rsaSignatureHex: hex(sign(image, rsa)), ecSignatureHex: hex(sign(image, ec)), boundary: BOUNDARY };
    const digest = createHash('sha256').update(image).digest('hex');
    const version = `sha256-${digest.slice(0, 12)}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xs-ota-'));
    try {
      const script = path.join(dir, 'ota_scenario.js');
      bundleForXs(path.join(__dirname, 'xs/ota_scenario.ts'), script);
      fs.writeFileSync(script, `globalThis.OTA_FIXTURE = ${JSON.stringify(fixture)};\n${fs.readFileSync(script, 'utf8')}`);
      expect(resultOf(runInXs(script))).toEqual({
        rsaTiny: `activated ${version}`,
        written: image.length,
        activated: [version],
        sha256: digest,
        rsaFlipped: 'signature_invalid',
        rsaTruncated: 'truncated_upload',
        ecFirst: `activated ${version}`,
        ecWrongKey: 'signature_malformed',
        confirmed: 'confirmed',
        pendingAfter: false,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
