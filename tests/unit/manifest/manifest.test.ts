/**
 * The Moddable build description, checked without the SDK: what mcconfig would be given must
 * exist, every module an entry point reaches must be listed for that platform (XS loads only
 * listed modules), platforms are keyed as intended, the board and partition table are sound.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readHostSettings } from '../../../hosts/esp32/moddable/settings';
import {
  EXCLUDE_KEY,
  ROOT,
  builtFiles,
  exclusionEntries,
  filesOf,
  isSdkPath,
  listedModules,
  manifestsFor,
  moduleEntries,
  reachFrom,
  readManifest,
  runtimeImports,
  type Manifest,
} from './manifest_model';
import { parsePartitions } from './partitions';

const root = readManifest(join(ROOT, 'manifest.json'));
const PLATFORMS = ['esp32', 'lin', 'mac', 'win'];
const HOST_OF: Record<string, string> = { esp32: 'hosts/esp32/host', lin: 'hosts/sim/host', mac: 'hosts/sim/host', win: 'hosts/sim/host' };
/** The file main.ts's "gateway/host" names on each platform: it re-exports HOST_OF's module by its bare name. */
const GATEWAY_HOST_OF: Record<string, string> = {
  esp32: 'hosts/esp32/gateway_host',
  lin: 'hosts/sim/gateway_host',
  mac: 'hosts/sim/gateway_host',
  win: 'hosts/sim/gateway_host',
};

/** Files built for `platform` (listed, less its "~" exclusions), by absolute path. */
const listedFiles = builtFiles;

describe('manifest.json: modules', () => {
  it.each(PLATFORMS)('every project path listed for %s exists as .ts/.js/.c (or a folder of them)', (platform) => {
    const missing = [...moduleEntries(platform), ...exclusionEntries(platform)]
      .filter((entry) => entry.path !== undefined && filesOf(entry).length === 0)
      .map((entry) => `${entry.listedIn}: "${entry.key}": "${entry.source}"`);
    expect(missing).toEqual([]);
  });

  it('lists every folder of the core', () => {
    const listed = new Set(moduleEntries('esp32').filter((e) => e.wildcard && e.path).map((e) => relative(ROOT, e.path as string)));
    const folders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        folders.push(`${dir}/${entry.name}`);
        walk(`${dir}/${entry.name}`);
      }
    };
    walk('modules');
    expect(folders.filter((folder) => !listed.has(folder))).toEqual([]);
  });

  it.each(PLATFORMS)('every module main.ts reaches on %s is listed for it, and every bare import is a declared SDK module', (platform) => {
    const reach = reachFrom(platform);
    expect(reach.unlisted).toEqual([]);
    expect(reach.unknown).toEqual([]);
    expect(reach.files.has(join(ROOT, `${HOST_OF[platform]}.ts`))).toBe(true);
    expect(reach.files.has(join(ROOT, 'modules/gateway/gateway.ts'))).toBe(true);
  });

  it('lists no module both in the shared part and in a platform part', () => {
    const shared = manifestsFor('esp32').slice(-2, -1)[0];
    expect(shared.file).toBe(join(ROOT, 'manifest.json'));
    const sharedKeys = new Set(Object.keys(root.modules ?? {}).filter((key) => key !== '*'));
    const sharedFiles = new Set(
      moduleEntries('esp32')
        .filter((e) => e.listedIn === 'manifest.json' && !Object.keys(root.platforms?.esp32.modules ?? {}).includes(e.key))
        .flatMap(filesOf),
    );
    for (const platform of PLATFORMS) {
      const specific = moduleEntries(platform).filter((e) => !(e.listedIn === 'manifest.json' && sharedKeys.has(e.key)));
      const clashes = specific.filter((e) => (e.key !== '*' && sharedKeys.has(e.key)) || filesOf(e).some((f) => sharedFiles.has(f)));
      expect(clashes.map((e) => `${platform}: ${e.listedIn} "${e.key}"`)).toEqual([]);
    }
  });

  it('keeps hardware code out of the simulator and simulator code out of the ESP32 build', () => {
    const esp32 = [...listedFiles('esp32')].map((f) => relative(ROOT, f));
    const sim = [...listedFiles('lin')].map((f) => relative(ROOT, f));
    expect(esp32.filter((f) => f.startsWith('hosts/sim/') || f.startsWith('hosts/mocks/tinybms/'))).toEqual([]);
    expect(sim.filter((f) => /^hosts\/esp32\/(?!moddable\/)/.test(f))).toEqual([]);
    expect(esp32).toContain('hosts/esp32/can/twai_esp32.c');
  });

  it('maps "gateway/host" per platform to a re-export of the host module that exports createPlatformHost', () => {
    for (const platform of PLATFORMS) {
      const entry = root.platforms?.[platform].modules?.['gateway/host'];
      expect(entry).toBe(`./${GATEWAY_HOST_OF[platform]}`);
      // Bare: from the module named "gateway/host", XS would resolve "./host" to "gateway/host" itself.
      expect(runtimeImports(join(ROOT, `${GATEWAY_HOST_OF[platform]}.ts`))).toEqual([HOST_OF[platform]]);
      const host = listedModules(platform).find((m) => m.specifier === HOST_OF[platform]);
      expect(host?.file).toBe(join(ROOT, `${HOST_OF[platform]}.ts`));
      expect(readFileSync(join(ROOT, `${HOST_OF[platform]}.ts`), 'utf8')).toMatch(/export const createPlatformHost: PlatformHostFactory/);
    }
  });

  // mcconfig builds a source file once, under the first specifier it meets (tools/mcmanifest.js
  // Rule.appendFile): a second name for the same file is silently absent from the build, and
  // imports of it fail (tsc in the build, XS at run time).
  it.each(PLATFORMS)('lists no source file under two specifiers on %s', (platform) => {
    const namesOf = new Map<string, string[]>();
    for (const { specifier, file, listedIn } of listedModules(platform)) {
      namesOf.set(file, [...(namesOf.get(file) ?? []), `${listedIn} "${specifier}"`]);
    }
    const twice = [...namesOf].filter(([, names]) => names.length > 1).map(([file, names]) => `${relative(ROOT, file)}: ${names.join(', ')}`);
    expect(twice).toEqual([]);
  });
});

describe('manifest.json: platforms, TypeScript, config', () => {
  it('has exactly the esp32, lin, mac, win and fallback keys (no esp32/* shadowing esp32)', () => {
    expect(Object.keys(root.platforms ?? {}).sort()).toEqual(['...', 'esp32', 'lin', 'mac', 'win']);
    expect(root.platforms?.['...'].error).toMatch(/esp32/);
    for (const file of ['hosts/esp32/manifest_esp32.json', 'hosts/sim/manifest_sim.json']) {
      const keys = Object.keys(readManifest(join(ROOT, file)).platforms ?? {});
      expect(keys.filter((k) => k.includes('/'))).toEqual([]);
    }
  });

  it('includes project manifests that exist and SDK manifests by $(MODDABLE)/$(MODULES) paths', () => {
    const includes = manifestsFor('esp32').concat(manifestsFor('lin')).flatMap(({ file, manifest }) =>
      (Array.isArray(manifest.include) ? manifest.include : manifest.include ? [manifest.include] : []).map((inc) => ({ file, inc })),
    );
    for (const { file, inc } of includes) {
      if (isSdkPath(inc)) expect(inc).toMatch(/^\$\((MODDABLE|MODULES)\)\/.+\.json$/);
      else expect(existsSync(resolve(file, '..', inc))).toBe(true);
    }
  });

  it('compiles TypeScript strictly for ES2024 (TS 5 rejects the SDK default es2025)', () => {
    const options = root.typescript?.tsconfig?.compilerOptions ?? {};
    expect(options).toMatchObject({ lib: ['es2024'], target: 'es2024', strict: true });
    for (const type of options.types as string[]) expect(existsSync(join(ROOT, `${type}.d.ts`))).toBe(true);
  });

  it('gives each platform a configuration the hosts accept, with the UART and CAN wiring', () => {
    const merged = (platform: string) => {
      const config: Record<string, unknown> = {};
      const mergeInto = (target: Record<string, unknown>, source: Record<string, unknown>) => {
        for (const [key, value] of Object.entries(source)) {
          if (value && typeof value === 'object' && !Array.isArray(value)) mergeInto((target[key] ??= {}) as Record<string, unknown>, value as Record<string, unknown>);
          else target[key] = value;
        }
      };
      for (const { manifest } of manifestsFor(platform)) mergeInto(config, manifest.config ?? {});
      return config;
    };
    const esp32 = readHostSettings(merged('esp32'));
    expect(esp32.uart).toEqual({ port: 1, transmit: 37, receive: 36, baud: 115200 });
    expect(esp32.can).toEqual({ transmit: 5, receive: 4, bitrate: 500000 });
    expect(esp32.httpPort).toBe(80);
    expect(readHostSettings(merged('lin')).httpPort).toBe(8080);
    expect((merged('lin').simulator as { mode: string }).mode).toBe('realistic');
  });

  it('sizes the ESP32 XS machine larger than the stock esp32s3 target', () => {
    const creation = root.platforms?.esp32.creation as { chunk: { initial: number }; heap: { initial: number }; stack: number };
    expect(creation.chunk.initial).toBeGreaterThan(78848);
    expect(creation.heap.initial).toBeGreaterThan(4928);
    expect(creation.stack).toBeGreaterThanOrEqual(512);
  });

  it('embeds the built web UI files and the OTA key under the resource names the loaders read', () => {
    // mcrez (seen in a real lin build) names a data resource by the key's base name plus the
    // source file's extension: a folder in the key vanishes, an extension in it doubles.
    const resourceName = (key: string, source: string) => {
      const base = key.slice(key.lastIndexOf('/') + 1);
      const file = source.slice(source.lastIndexOf('/') + 1);
      return base + (file.includes('.') ? file.slice(file.lastIndexOf('.')) : '');
    };
    const data = root.data ?? {};
    const names = Object.entries(data).map(([key, source]) => resourceName(key, source as string));
    const loader = readFileSync(join(ROOT, 'hosts/esp32/moddable/web_assets.ts'), 'utf8');
    const read = [...loader.matchAll(/Resource\.exists\('([^']+)'\)/g)].map((m) => m[1]);
    expect(read.sort()).toEqual(['ota-public.pem', 'web-manifest.json']);
    expect(loader).toContain('`web-${entry.gzip_file');
    expect(names).toEqual(expect.arrayContaining([...read, ...['index.html', 'app.js', 'app.css', 'favicon.svg'].map((n) => `web-${n}.gz`)]));
    for (const source of Object.values(data)) expect((source as string).startsWith('./build/web/') || source === './certs/ota-public.pem').toBe(true);
  });
});

describe('ESP32 pieces', () => {
  const esp32 = readManifest(join(ROOT, 'hosts/esp32/manifest_esp32.json'));
  const board = readManifest(join(ROOT, 'hosts/esp32/board/manifest.json'));
  const boardDir = join(ROOT, 'hosts/esp32/board');

  it('has a board folder for -p esp32:<path>: ESP32-S3 build settings and a host provider', () => {
    expect(board.build).toMatchObject({ ESP32_SUBCLASS: 'esp32s3', SDKCONFIGPATH: './sdkconfig' });
    expect(existsSync(join(boardDir, 'host/provider.js'))).toBe(true);
    const provider = readFileSync(join(boardDir, 'host/provider.js'), 'utf8');
    expect(provider).toMatch(/receive: 36/);
    expect(provider).toMatch(/transmit: 37/);
    // No default I2C/SPI buses: the stock target's defaults sit on the TWAI and UART pins.
    expect(provider).not.toMatch(/^\s*(I2C|SPI):/m);
  });

  it('raises the socket limit above the default 4 and enables rollback in its sdkconfig', () => {
    const defaults = readFileSync(join(boardDir, 'sdkconfig/sdkconfig.defaults'), 'utf8');
    const sockets = Number(/^CONFIG_LWIP_MAX_SOCKETS=(\d+)$/m.exec(defaults)?.[1]);
    expect(sockets).toBeGreaterThan(4);
    expect(defaults).toMatch(/^CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE=y$/m);
  });

  it('has a partition table with two OTA slots, OTA data and a storage partition, that fits the flash', () => {
    const defaults = readFileSync(join(boardDir, 'sdkconfig/sdkconfig.defaults'), 'utf8');
    const flashMb = Number(/^CONFIG_ESPTOOLPY_FLASHSIZE="(\d+)MB"$/m.exec(defaults)?.[1]);
    const partitions = parsePartitions(readFileSync(join(boardDir, board.build?.PARTITIONS_FILE_FOR_TARGET as string), 'utf8'));
    const apps = partitions.filter((p) => p.type === 'app');
    expect(apps.map((p) => p.subtype).sort()).toEqual(['ota_0', 'ota_1']);
    expect(apps.every((p) => p.offset % 0x10000 === 0)).toBe(true);
    expect(apps[0].size).toBe(apps[1].size);
    expect(partitions.some((p) => p.type === 'data' && p.subtype === 'ota' && p.size === 0x2000)).toBe(true);
    expect(partitions.some((p) => p.type === 'data' && p.subtype === 'nvs')).toBe(true);
    const storage = partitions.find((p) => p.name === 'storage');
    expect(storage?.type).toBe('data');
    expect(storage?.size).toBeGreaterThan(apps[0].size);
    const sorted = [...partitions].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].offset).toBeGreaterThanOrEqual(sorted[i - 1].offset + sorted[i - 1].size);
    const end = sorted.at(-1) as { offset: number; size: number };
    expect(end.offset + end.size).toBeLessThanOrEqual(flashMb * 1024 * 1024);
  });

  it('binds every native function the TWAI class calls in its C file', () => {
    const ts = readFileSync(join(ROOT, 'hosts/esp32/can/twai.ts'), 'utf8');
    const c = readFileSync(join(ROOT, 'hosts/esp32/can/twai_esp32.c'), 'utf8');
    const natives = [...ts.matchAll(/(?:native|Native)\('(xs_twai\w*)'\)/g)].map((m) => m[1]);
    expect(natives.length).toBeGreaterThanOrEqual(7);
    for (const name of natives) expect(c).toMatch(new RegExp(`^void ${name}\\((xsMachine \\*the|void \\*data)\\)`, 'm'));
  });

  it('pulls the ESP-IDF components the native code uses', () => {
    const dependencies = (esp32.platforms?.esp32 as Manifest & { dependency?: { idf: string }[] }).dependency ?? [];
    expect(dependencies.map((d) => d.idf)).toEqual(expect.arrayContaining(['esp_driver_twai', 'app_update', 'esp_netif']));
    // The legacy TWAI driver (component 'driver', driver/twai.h) is deprecated in IDF v6.0.
    expect(dependencies.map((d) => d.idf)).not.toContain('driver');
  });
});

describe('FFI bindings (mcconfig generates the glue from the manifest; the C and the typing must agree)', () => {
  const BOUND = [
    { manifest: 'hosts/esp32/manifest_esp32.json', source: 'hosts/esp32/native/gateway_native.c' },
    { manifest: 'hosts/sim/manifest_sim.json', source: 'hosts/sim/native/sim_random.c' },
  ];
  /** tools/ffi.js: pointers are ArrayBuffers, char* arguments strings, integers numbers. */
  const TS_TYPE: Record<string, string> = { 'uint8_t*': 'ArrayBuffer', 'char*': 'string', uint32_t: 'number', int32_t: 'number' };
  const cType = (type: string) => (type.endsWith('*') ? `${type.slice(0, -1)} \\*` : `${type} `);
  const typing = readFileSync(join(ROOT, 'typings/sdk/mc_ffi.d.ts'), 'utf8');
  const typed = new Map([...typing.matchAll(/^\s+(gw_\w+)\(([^)]*)\)/gm)].map((m) => [m[1], m[2]]));

  it.each(BOUND)('$manifest: each function has its C definition with the declared types', ({ manifest, source }) => {
    const ffi = readManifest(join(ROOT, manifest)).ffi;
    const functions = Object.entries(ffi?.functions ?? {});
    expect(functions.length).toBeGreaterThan(0);
    expect(ffi?.sources?.map((s) => join(dirname(join(ROOT, manifest)), s))).toEqual([join(ROOT, source)]);
    const c = readFileSync(join(ROOT, source), 'utf8');
    for (const [name, signature] of functions) {
      const args = signature.arguments.length === 0 ? 'void' : signature.arguments.map((a) => `${cType(a)}\\w+`).join(', ');
      expect(c).toMatch(new RegExp(`^${cType(signature.returns)}${name}\\(${args}\\)`, 'm'));
    }
  });

  it('types exactly the functions both manifests bind, with their argument types', () => {
    const all = BOUND.flatMap(({ manifest }) => Object.entries(readManifest(join(ROOT, manifest)).ffi?.functions ?? {}));
    expect([...typed.keys()].sort()).toEqual(all.map(([name]) => name).sort());
    for (const [name, signature] of all) {
      const params = signature.arguments.map((a, i) => `arg${i}: ${TS_TYPE[a]}`).join(', ');
      expect(`${name}(${typed.get(name)})`).toBe(`${name}(${params})`);
    }
  });
});


describe('manifest.json: preload (issue 13)', () => {
  const preload = new Set(([] as string[]).concat(root.preload ?? []));

  it('preloads every core module, so their code and tables live in flash, not in the slot heap', () => {
    const core: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        if (entry.isDirectory()) walk(`${dir}/${entry.name}`);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) core.push(`${dir}/${entry.name.slice(0, -3)}`);
      }
    };
    walk('modules');
    expect(core.length).toBeGreaterThan(100);
    expect(core.filter((name) => !preload.has(name))).toEqual([]);
  });

  // mcconfig's filterPreload keeps only names of modules the build has: a misspelt name is silently
  // ignored, and so are (on purpose) the names of the core modules the ESP32 build excludes.
  it('preloads only modules a build lists (a misspelt name would be silently ignored)', () => {
    const listed = new Set(PLATFORMS.flatMap((platform) => listedModules(platform).map((m) => m.specifier)));
    const unknown = [...preload].filter((name) => !name.startsWith('embedded:') && name !== 'logical' && !listed.has(name));
    expect(unknown).toEqual([]);
  });
});

describe('ESP32 image: only the core modules the device imports (issue 13)', () => {
  const CORE = join(ROOT, 'modules') + '/';
  const core = (files: Iterable<string>) => [...files].filter((file) => file.startsWith(CORE)).map((file) => relative(ROOT, file)).sort();
  const allCore = (): string[] => {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        if (entry.isDirectory()) walk(`${dir}/${entry.name}`);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(`${dir}/${entry.name}`);
      }
    };
    walk('modules');
    return out.sort();
  };
  /** Debug-only code the issue names: frame descriptions, register tables for them, the CLI/monitor decoders. */
  const HOST_ONLY = [
    'modules/uart_bms/describe.ts',
    'modules/uart_bms/register_catalog.ts',
    'modules/uart_bms/register_fields.ts',
    'modules/uart_bms/event_codes.ts',
    'modules/can_victron/decode.ts',
    'modules/gateway/frame_decoders.ts',
  ];

  // Both ways: a module the device imports but the image lacks fails at run time (the test above
  // catches it too); a module it never imports costs flash for nothing, which is how host-only
  // code would creep back into the image.
  it('builds exactly the core modules main.ts reaches through runtime imports on the ESP32', () => {
    const reached = core(reachFrom('esp32').files);
    const built = core(builtFiles('esp32'));
    expect(built.filter((file) => !reached.includes(file))).toEqual([]);
    expect(reached.filter((file) => !built.includes(file))).toEqual([]);
    expect(built.length).toBeGreaterThan(100);
  });

  it('leaves the frame descriptions and monitor/CLI decoders out of the ESP32 image, not out of the simulator', () => {
    const esp32 = core(builtFiles('esp32'));
    const sim = core(reachFrom('lin').files);
    for (const file of HOST_ONLY) {
      expect({ file, esp32: esp32.includes(file) }).toEqual({ file, esp32: false });
      // Not dead code: the simulator's /ws/uart and /ws/can monitors decode with it.
      expect({ file, sim: sim.includes(file) }).toEqual({ file, sim: true });
    }
  });

  it.each(['lin', 'mac', 'win'])('keeps every core module in the %s simulator build (its frame monitors use the decoders)', (platform) => {
    expect(exclusionEntries(platform)).toEqual([]);
    expect(core(builtFiles(platform))).toEqual(allCore());
  });

  it('excludes with "~" in the esp32 platform section only, by project paths without wildcards', () => {
    const exclusions = exclusionEntries('esp32');
    expect(exclusions.length).toBeGreaterThan(0);
    expect(Object.keys(root.modules ?? {})).not.toContain(EXCLUDE_KEY);
    expect(exclusions.every((entry) => entry.listedIn === 'manifest.json' && !entry.wildcard && entry.source.startsWith('./modules/'))).toBe(true);
    expect(Object.keys(root.platforms?.esp32.modules ?? {})).toContain(EXCLUDE_KEY);
  });
});
