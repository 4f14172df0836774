/**
 * The ESP32-S3 host under the name main.ts imports, "gateway/host" (manifest.json platforms.esp32).
 * A separate file because mcconfig builds each source file once, under the first name it is listed
 * with ("hosts/esp32/host" in manifest_esp32.json), and a bare import because XS resolves a
 * relative one against the importing module's name: from "gateway/host", "./host" is itself.
 */
export { createPlatformHost } from 'hosts/esp32/host';
