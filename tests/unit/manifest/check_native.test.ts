/**
 * scripts/check_native.ts against a small fixture tree (no ESP-IDF or SDK here): a fake SDK whose
 * make.esp32.mk computes an include list as the real one does, a fake IDF tree and project
 * sources. Real make and gcc -M -MG run on it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkNative, missingFromDeps, sdkconfigStandIn, type NativeCheckOptions } from '../../../scripts/check_native';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('check-native', () => {
  let dir: string;
  let options: NativeCheckOptions;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'check-native-test-'));
    const sdk = join(dir, 'sdk');
    const idf = join(dir, 'idf');
    const root = join(dir, 'project');
    write(
      join(sdk, 'tools/mcconfig/make.esp32.mk'),
      [
        'SDKCONFIG_H_DIR = $(TMP_DIR)/xsProj-$(ESP32_SUBCLASS)/build/config',
        'INC_DIRS = $(IDF_PATH)/components $(IDF_PATH)/components/log/include $(IDF_PATH)/components/freertos/include',
        'XS_DIRS = $(XS_DIR)/includes $(SDKCONFIG_H_DIR)',
        'C_INCLUDES += $(foreach dir,$(INC_DIRS) $(XS_DIRS) $(TMP_DIR),-I$(dir))',
        'all:',
        '\t@echo never runs',
        '',
      ].join('\n'),
    );
    write(join(sdk, 'xs/includes/xsmc.h'), '#pragma once\n');
    // The SDK's reference source: what it misses is the toolchain's C library.
    write(join(sdk, 'modules/io/update/esp32/update-esp32.c'), '#include "log/include/esp_log.h"\n#include <sys/toolchain_only.h>\n');
    write(join(idf, 'components/log/include/esp_log.h'), '#pragma once\n');
    write(join(idf, 'components/freertos/include/freertos/FreeRTOS.h'), '#include "sdkconfig.h"\n#if !CONFIG_FREERTOS_MAX_TASK_NAME_LEN\n#error no sdkconfig\n#endif\n#include <sys/toolchain_only.h>\n');
    write(join(idf, 'components/twai/include/esp_twai.h'), '#pragma once\n#include "hal/twai_types.h"\n');
    write(join(idf, 'components/hal_twai/include/hal/twai_types.h'), '#pragma once\n');
    write(join(idf, 'components/app_update/include/esp_ota_ops.h'), '#pragma once\n#include "esp_log.h"\n');
    write(join(root, 'hosts/esp32/native/native.c'), '#include "xsmc.h"\n#include "mc.xs.h"\n#include "freertos/FreeRTOS.h"\n#include "app_update/include/esp_ota_ops.h"\n#include "helper.h"\n');
    write(join(root, 'hosts/esp32/native/helper.h'), '#pragma once\n');
    write(join(root, 'hosts/esp32/can/can.c'), '#include "esp_twai.h"\n');
    options = {
      root,
      idfPath: idf,
      moddable: sdk,
      board: { subclass: 'esp32s3', cFlags: '-I$(IDF_PATH)/components/twai/include -I$(IDF_PATH)/components/hal_twai/include' },
      sdkconfigDefaults: ['CONFIG_LWIP_MAX_SOCKETS=16\nCONFIG_SPIRAM=y\n'],
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes when every include, nested ones too, resolves through the list make computes', () => {
    const result = checkNative(options);
    expect(result.sources.map((s) => s.source)).toEqual(['hosts/esp32/can/can.c', 'hosts/esp32/native/native.c']);
    expect(result.sources.every((s) => s.missing.length === 0)).toBe(true);
    expect(result.includeDirs).toContain(join(options.idfPath, 'components/log/include'));
    expect(result.includeDirs).toContain(join(options.root, 'hosts/esp32/native'));
    // A header only the toolchain has is named, not counted.
    expect(result.sources[1].toolchain).toEqual(['sys/toolchain_only.h']);
    expect(result.ok).toBe(true);
  });

  it('fails on a header the list cannot reach, directly or from inside an IDF header', () => {
    write(join(options.root, 'hosts/esp32/native/native.c'), '#include "esp_ota_ops.h"\n#include "driver/twai.h"\n');
    const withoutBoardFlags = checkNative({ ...options, board: { ...options.board, cFlags: '' } });
    expect(withoutBoardFlags.ok).toBe(false);
    expect(withoutBoardFlags.sources.find((s) => s.source.endsWith('can.c'))?.missing).toEqual(['esp_twai.h']);
    expect(withoutBoardFlags.sources.find((s) => s.source.endsWith('native.c'))?.missing).toEqual(['driver/twai.h', 'esp_ota_ops.h']);
    const nested = checkNative({ ...options, board: { ...options.board, cFlags: '-I$(IDF_PATH)/components/twai/include' } });
    expect(nested.sources.find((s) => s.source.endsWith('can.c'))?.missing).toEqual(['hal/twai_types.h']);
  });

  it('fails when there is no C source to check', () => {
    rmSync(join(options.root, 'hosts'), { recursive: true });
    expect(checkNative(options).ok).toBe(false);
  });

  it('parses gcc -M output, continuation lines included', () => {
    expect(missingFromDeps('a.o: /src/a.c /idf/x.h \\\n  driver/twai.h /idf/y.h esp_ota_ops.h \\\n driver/twai.h\n', '/src/a.c')).toEqual(['driver/twai.h', 'esp_ota_ops.h']);
  });

  it('writes an sdkconfig.h stand-in from the defaults, later files winning, n removing', () => {
    const header = sdkconfigStandIn(['CONFIG_A=y\nCONFIG_B=4\nCONFIG_C="x"\n', 'CONFIG_B=16\nCONFIG_A=n\n# CONFIG_D=y\n'], 'esp32s3');
    expect(header).toContain('#define CONFIG_B 16');
    expect(header).toContain('#define CONFIG_C "x"');
    expect(header).not.toContain('CONFIG_A ');
    expect(header).not.toContain('CONFIG_D');
    expect(header).toContain('#define CONFIG_IDF_TARGET_ESP32S3 1');
  });
});
