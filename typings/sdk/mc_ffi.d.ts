/**
 * What mcconfig generates as mc.ffi.d.ts from the `ffi.functions` of hosts/esp32/manifest_esp32.json
 * and of hosts/sim/manifest_sim.json (tools/ffi.js: uint32_t/int32_t → number, const char* → string,
 * char* argument → string, uint8_t* → ArrayBuffer). A build has only its platform's functions; this
 * declaration is the union of both. Keep it in step: the firmware build type-checks against the generated file.
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
    gw_watchdog_start(arg0: number): number;
    gw_watchdog_feed(): number;
    /** Simulator only (hosts/sim/native/sim_random.c). */
    gw_sim_random_fill(arg0: ArrayBuffer, arg1: number, arg2: number): number;
  }
}
