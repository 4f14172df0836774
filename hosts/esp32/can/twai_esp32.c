/*
 * TWAI (CAN 2.0A/B) controller for XS on the ESP32, over the ESP-IDF TWAI driver
 * (driver/twai.h). One controller, used by one JS object. Transmit and receive never block
 * (timeout 0): the JS side polls. Bus-off recovery is started on request; after it the
 * driver is stopped and JS calls start() again.
 *
 * Built by mcconfig from hosts/esp32/manifest_esp32.json; not compiled in CI (no ESP-IDF).
 */

#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"

#include "driver/twai.h"

typedef struct {
	uint8_t running;
} TwaiRecord;

static uint8_t gTwaiInUse = 0;

static void twaiRelease(TwaiRecord *twai)
{
	if (!twai)
		return;
	twai_stop();
	twai_driver_uninstall();
	gTwaiInUse = 0;
	c_free(twai);
}

void xs_twai_destructor(void *data)
{
	twaiRelease((TwaiRecord *)data);
}

static int getInteger(xsMachine *the, xsIdentifier id, int fallback, uint8_t required)
{
	if (!xsmcHas(xsArg(0), id)) {
		if (required)
			xsUnknownError("missing option");
		return fallback;
	}
	xsmcGet(xsVar(0), xsArg(0), id);
	return xsmcToInteger(xsVar(0));
}

void xs_twai(xsMachine *the)
{
	int transmit, receive, bitrate, txLength, rxLength;
	twai_timing_config_t timing = TWAI_TIMING_CONFIG_500KBITS();
	TwaiRecord *twai;

	xsmcVars(1);
	transmit = getInteger(the, xsID_transmit, 0, 1);
	receive = getInteger(the, xsID_receive, 0, 1);
	bitrate = getInteger(the, xsID_bitrate, 0, 1);
	txLength = getInteger(the, xsID_txQueueLength, 10, 0);
	rxLength = getInteger(the, xsID_rxQueueLength, 32, 0);

	if ((transmit < 0) || (transmit > 48) || (receive < 0) || (receive > 48) || (transmit == receive))
		xsRangeError("invalid pin");
	if ((txLength < 1) || (txLength > 64) || (rxLength < 1) || (rxLength > 128))
		xsRangeError("invalid queue length");

	switch (bitrate) {
		case 125000: { twai_timing_config_t t = TWAI_TIMING_CONFIG_125KBITS(); timing = t; } break;
		case 250000: { twai_timing_config_t t = TWAI_TIMING_CONFIG_250KBITS(); timing = t; } break;
		case 500000: break;
		case 1000000: { twai_timing_config_t t = TWAI_TIMING_CONFIG_1MBITS(); timing = t; } break;
		default: xsRangeError("unsupported bitrate");
	}

	if (gTwaiInUse)
		xsUnknownError("in use");

	twai_general_config_t general = TWAI_GENERAL_CONFIG_DEFAULT(transmit, receive, TWAI_MODE_NORMAL);
	general.tx_queue_len = txLength;
	general.rx_queue_len = rxLength;
	general.alerts_enabled = TWAI_ALERT_NONE;
	twai_filter_config_t filter = TWAI_FILTER_CONFIG_ACCEPT_ALL();

	twai = c_calloc(1, sizeof(TwaiRecord));
	if (!twai)
		xsUnknownError("no memory");

	if (ESP_OK != twai_driver_install(&general, &timing, &filter)) {
		c_free(twai);
		xsUnknownError("twai install failed");
	}
	if (ESP_OK != twai_start()) {
		twai_driver_uninstall();
		c_free(twai);
		xsUnknownError("twai start failed");
	}
	twai->running = 1;
	gTwaiInUse = 1;
	xsmcSetHostData(xsThis, twai);
}

static TwaiRecord *getTwai(xsMachine *the)
{
	TwaiRecord *twai = xsmcGetHostData(xsThis);
	if (!twai)
		xsUnknownError("closed");
	return twai;
}

void xs_twai_write(xsMachine *the)
{
	twai_message_t message = {0};
	void *data;
	xsUnsignedValue length;
	int id, extended;
	esp_err_t err;

	getTwai(the);
	id = xsmcToInteger(xsArg(0));
	extended = (xsmcArgc > 2) && xsmcTest(xsArg(2));
	if ((id < 0) || (id > (extended ? 0x1FFFFFFF : 0x7FF)))
		xsRangeError("invalid identifier");
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	if (length > 8)
		xsRangeError("more than 8 data bytes");

	message.identifier = id;
	message.extd = extended ? 1 : 0;
	message.data_length_code = length;
	c_memcpy(message.data, data, length);

	err = twai_transmit(&message, 0);		// never block the JS thread
	if (ESP_OK == err)
		xsmcSetInteger(xsResult, 0);
	else if ((ESP_ERR_TIMEOUT == err) || (ESP_FAIL == err))
		xsmcSetInteger(xsResult, 1);			// transmit queue full
	else if (ESP_ERR_INVALID_STATE == err)
		xsmcSetInteger(xsResult, 2);			// stopped, bus-off or recovering
	else
		xsmcSetInteger(xsResult, 3);
}

void xs_twai_read(xsMachine *the)
{
	twai_message_t message;

	getTwai(the);
	while (ESP_OK == twai_receive(&message, 0)) {
		if (message.rtr)
			continue;						// remote frames carry no data; nothing here asks for them
		xsmcVars(1);
		xsmcSetNewObject(xsResult);
		xsmcSetInteger(xsVar(0), message.identifier);
		xsmcSet(xsResult, xsID_id, xsVar(0));
		xsmcSetBoolean(xsVar(0), message.extd);
		xsmcSet(xsResult, xsID_extended, xsVar(0));
		xsmcSetArrayBuffer(xsVar(0), message.data, message.data_length_code);
		xsmcSet(xsResult, xsID_data, xsVar(0));
		return;
	}
}

static void setInteger(xsMachine *the, xsIdentifier id, int value)
{
	xsmcSetInteger(xsVar(0), value);
	xsmcSet(xsResult, id, xsVar(0));
}

void xs_twai_status(xsMachine *the)
{
	twai_status_info_t info;

	getTwai(the);
	if (ESP_OK != twai_get_status_info(&info))
		xsUnknownError("twai status failed");

	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	setInteger(the, xsID_state, info.state);
	setInteger(the, xsID_txErrorCounter, info.tx_error_counter);
	setInteger(the, xsID_rxErrorCounter, info.rx_error_counter);
	setInteger(the, xsID_txFailedCount, info.tx_failed_count);
	setInteger(the, xsID_rxMissedCount, info.rx_missed_count);
	setInteger(the, xsID_busErrorCount, info.bus_error_count);
	setInteger(the, xsID_txQueued, info.msgs_to_tx);
	setInteger(the, xsID_rxQueued, info.msgs_to_rx);
}

void xs_twai_recover(xsMachine *the)
{
	getTwai(the);
	twai_initiate_recovery();				// ESP_ERR_INVALID_STATE unless bus-off: nothing to do then
}

void xs_twai_start(xsMachine *the)
{
	getTwai(the);
	twai_start();							// ESP_ERR_INVALID_STATE when already running
}

void xs_twai_close(xsMachine *the)
{
	TwaiRecord *twai = xsmcGetHostData(xsThis);
	if (!twai)
		return;
	twaiRelease(twai);
	xsmcSetHostData(xsThis, NULL);
}
