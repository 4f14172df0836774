/**
 * The simulator host under the name main.ts imports, "gateway/host" (manifest.json platforms
 * lin/mac/win). A separate file because mcconfig builds each source file once, under the first name
 * it is listed with ("hosts/sim/host" in manifest_sim.json), and a bare import because XS resolves
 * a relative one against the importing module's name: from "gateway/host", "./host" is itself.
 */
export { createPlatformHost } from 'hosts/sim/host';
