/** Image names: the ESP-IDF app descriptor's version, else a SHA-256 tag. */
import { imageVersion } from '../../../modules/ota_update/image_version';
import { espImage, randomImage } from './support/upload_fixtures';

const digest = Uint8Array.from({ length: 32 }, (_, i) => i * 8);

describe('imageVersion', () => {
  it('reads the version from an ESP32 app descriptor', () => {
    expect(imageVersion(espImage('v1.4.2-rc1'), digest)).toBe('v1.4.2-rc1');
  });

  it('falls back to a digest tag for other images, short heads and non-text versions', () => {
    expect(imageVersion(randomImage(100).fill(0), digest)).toBe('sha256-000810182028');
    expect(imageVersion(espImage('v2').subarray(0, 60), digest)).toBe('sha256-000810182028');
    const binary = espImage('v3');
    binary[49] = 0x07;
    expect(imageVersion(binary, digest)).toBe('sha256-000810182028');
    const noMagic = espImage('v4');
    noMagic[32] ^= 0xff;
    expect(imageVersion(noMagic, digest)).toBe('sha256-000810182028');
  });
});
