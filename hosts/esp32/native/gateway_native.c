/*
 * Small ESP-IDF calls the gateway needs from JS, bound with XS FFI (ffi.functions in
 * hosts/esp32/manifest_esp32.json; mcconfig generates the glue and mc.ffi.d.ts).
 * Plain C types only. Includes are checked against mcconfig's include list by
 * `npx tsx scripts/moddable.ts check-native` (IDF_PATH and MODDABLE set).
 */

#include <stdint.h>
#include "esp_system.h"
#include "esp_heap_caps.h"
#include "esp_random.h"
/* mcconfig's -I list lacks app_update/include: reach it from components/, as the SDK's update-esp32.c does. */
#include "app_update/include/esp_ota_ops.h"
#include "esp_task_wdt.h"
#include "esp_netif.h"

uint32_t gw_heap_free(void) { return esp_get_free_heap_size(); }

uint32_t gw_heap_total(void) { return (uint32_t)heap_caps_get_total_size(MALLOC_CAP_DEFAULT); }

uint32_t gw_heap_minimum_free(void) { return esp_get_minimum_free_heap_size(); }

void gw_restart(void) { esp_restart(); }

/* Hardware RNG: true random while the radio is on (Wi-Fi always is here). */
uint32_t gw_random32(void) { return esp_random(); }

const char *gw_reset_reason(void)
{
	switch (esp_reset_reason()) {
		case ESP_RST_POWERON: return "power-on";
		case ESP_RST_EXT: return "external pin";
		case ESP_RST_SW: return "software restart";
		case ESP_RST_PANIC: return "panic";
		case ESP_RST_INT_WDT: return "interrupt watchdog";
		case ESP_RST_TASK_WDT: return "task watchdog";
		case ESP_RST_WDT: return "other watchdog";
		case ESP_RST_DEEPSLEEP: return "deep sleep wake";
		case ESP_RST_BROWNOUT: return "brownout";
		case ESP_RST_SDIO: return "SDIO";
		case ESP_RST_USB: return "USB";
		case ESP_RST_JTAG: return "JTAG";
		case ESP_RST_EFUSE: return "efuse error";
		case ESP_RST_PWR_GLITCH: return "power glitch";
		case ESP_RST_CPU_LOCKUP: return "CPU lock-up";
		default: return "unknown";
	}
}

/* Confirm the running image after an update (cancels the bootloader's rollback). */
int32_t gw_ota_mark_valid(void) { return esp_ota_mark_app_valid_cancel_rollback(); }

/* Give up the running image and reboot into the previous one; returns only on failure. */
int32_t gw_ota_rollback(void) { return esp_ota_mark_app_invalid_rollback_and_reboot(); }

int32_t gw_ota_pending_verify(void)
{
	esp_ota_img_states_t state;
	const esp_partition_t *running = esp_ota_get_running_partition();
	if (!running || (ESP_OK != esp_ota_get_state_partition(running, &state)))
		return 0;
	return ESP_OTA_IMG_PENDING_VERIFY == state;
}

const char *gw_ota_running_label(void)
{
	const esp_partition_t *running = esp_ota_get_running_partition();
	return running ? running->label : "";
}

/* DHCP hostname of the station interface; call before joining. */
int32_t gw_wifi_set_hostname(char *name)
{
	esp_netif_t *station = esp_netif_get_handle_from_ifkey("WIFI_STA_DEF");
	if (!station)
		return -1;
	return esp_netif_set_hostname(station, name);
}

/*
 * Task watchdog on the XS task (the one calling this): a turn of the event loop that runs longer
 * than `timeout_ms` — or a loop that stops turning — panics and reboots, and the next boot
 * reports "task watchdog". Returns 0 or the esp_err_t of the step that failed.
 */
int32_t gw_watchdog_start(uint32_t timeout_ms)
{
	esp_task_wdt_config_t config = { .timeout_ms = timeout_ms, .idle_core_mask = 0, .trigger_panic = true };
	esp_err_t err = esp_task_wdt_init(&config);
	if (ESP_ERR_INVALID_STATE == err)		/* already initialised by the IDF (CONFIG_ESP_TASK_WDT_INIT) */
		err = esp_task_wdt_reconfigure(&config);
	if (ESP_OK != err)
		return err;
	err = esp_task_wdt_add(NULL);
	return (ESP_ERR_INVALID_ARG == err) ? ESP_OK : err;	/* INVALID_ARG: this task is already subscribed */
}

/* Called from a timer on the XS task: proves the event loop still turns. */
int32_t gw_watchdog_feed(void) { return esp_task_wdt_reset(); }
