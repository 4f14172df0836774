/**
 * What mcconfig generates as mc.ffi.d.ts from the `ffi.functions` of hosts/esp32/manifest_esp32.json
 * (tools/ffi.js: uint32_t/int32_t → number, const char* → string, char* argument → string).
 * Keep both in step: the firmware build type-checks against the generated file.
 */
declare module 'mc/ffi' {
  export default class FFI {
    constructor();
    gw_heap_free(): number;
    gw_heap_total(): number;
    gw_heap_minimum_free(): number;
    gw_restart(): void;
    gw_random32(): number;
    gw_reset_reason(): string;
    gw_ota_mark_valid(): number;
    gw_ota_rollback(): number;
    gw_ota_pending_verify(): number;
    gw_ota_running_label(): string;
    gw_wifi_set_hostname(arg0: string): number;
  }
}
