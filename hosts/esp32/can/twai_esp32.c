/*
 * TWAI (classic CAN 2.0) controller for XS on the ESP32-S3, over the ESP-IDF v6.0 node API
 * (esp_twai.h, on-chip node from esp_twai_onchip.h; the legacy driver/twai.h is deprecated there).
 * One node, used by one JS object. Nothing here blocks and nothing allocates after the
 * constructor:
 *   - the driver hands received frames to an ISR callback only (twai_node_receive_from_isr);
 *     they go into a fixed ring of RX_SLOTS frames that read() drains;
 *   - the driver queues a *pointer* to each frame to send until it is on the wire, so frames
 *     to send live in a fixed pool of TX_SLOTS, released by the "TX done" callback;
 *   - status and frames are written into buffers the JS side owns (no object per 10 ms poll).
 * Bus-off arrives as a state-change event and is counted here; the JS side (can_port.ts)
 * starts recovery after a backoff.
 *
 * Includes: mcconfig's include list has $(IDF_PATH)/components but not the TWAI component
 * folders; the board manifest (hosts/esp32/board/manifest.json, C_FLAGS_SUBPLATFORM) adds
 * them, and `npx tsx scripts/moddable.ts check-native` verifies every include resolves.
 */

#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"

#include <string.h>
#include "esp_attr.h"
#include "freertos/FreeRTOS.h"
#include "esp_twai.h"
#include "esp_twai_onchip.h"

#define RX_SLOTS 32
#define TX_SLOTS 16
#define CLASSIC_MAX_DATA 8

typedef struct {
	uint32_t id;
	uint8_t extended;
	uint8_t length;
	uint8_t data[CLASSIC_MAX_DATA];
} RxSlot;

typedef struct {
	twai_frame_t frame;
	uint8_t data[CLASSIC_MAX_DATA];
	volatile uint8_t busy;
} TxSlot;

typedef struct {
	twai_node_handle_t node;
	portMUX_TYPE lock;
	RxSlot rx[RX_SLOTS];
	uint16_t rxHead;			/* next slot to read */
	uint16_t rxCount;
	TxSlot tx[TX_SLOTS];
	/* Written by the ISR callbacks, read under `lock`. */
	uint32_t rxOverruns;		/* frames dropped because the ring was full */
	uint32_t rxReadErrors;
	uint32_t busOffEvents;
	uint32_t errorEvents;
	uint32_t txFailed;
	volatile uint8_t state;		/* twai_error_state_t of the last state-change event */
	uint8_t enabled;
} TwaiRecord;

/* Layout of the Int32Array that status() fills (twai.ts STATUS_FIELDS mirrors it). */
enum {
	kStatusState = 0,
	kStatusTxErrors,
	kStatusRxErrors,
	kStatusBusErrors,
	kStatusTxQueueFree,
	kStatusRxQueued,
	kStatusRxOverruns,
	kStatusBusOffEvents,
	kStatusTxFailed,
	kStatusCount
};

static uint8_t gTwaiInUse = 0;

static bool IRAM_ATTR onRxDone(twai_node_handle_t node, const twai_rx_done_event_data_t *event, void *context)
{
	TwaiRecord *twai = context;
	uint8_t buffer[CLASSIC_MAX_DATA];
	twai_frame_t frame = { .buffer = buffer, .buffer_len = sizeof(buffer) };

	if (ESP_OK != twai_node_receive_from_isr(node, &frame)) {
		twai->rxReadErrors++;
		return false;
	}
	if (frame.header.rtr || frame.header.fdf)
		return false;		/* remote and FD frames carry nothing the gateway reads */

	portENTER_CRITICAL_ISR(&twai->lock);
	if (twai->rxCount == RX_SLOTS)
		twai->rxOverruns++;
	else {
		RxSlot *slot = &twai->rx[(twai->rxHead + twai->rxCount) % RX_SLOTS];
		/* A classic DLC above 8 still means 8 bytes: never copy more than the buffer holds. */
		uint8_t length = (frame.header.dlc > CLASSIC_MAX_DATA) ? CLASSIC_MAX_DATA : (uint8_t)frame.header.dlc;
		slot->id = frame.header.id;
		slot->extended = frame.header.ide;
		slot->length = length;
		memcpy(slot->data, buffer, length);
		twai->rxCount++;
	}
	portEXIT_CRITICAL_ISR(&twai->lock);
	return false;
}

static bool IRAM_ATTR onTxDone(twai_node_handle_t node, const twai_tx_done_event_data_t *event, void *context)
{
	TwaiRecord *twai = context;
	TxSlot *slot = (TxSlot *)event->done_tx_frame;		/* frame is the slot's first member */

	if (!event->is_tx_success)
		twai->txFailed++;
	if ((slot >= &twai->tx[0]) && (slot < &twai->tx[TX_SLOTS]))
		slot->busy = 0;
	return false;
}

static bool IRAM_ATTR onStateChange(twai_node_handle_t node, const twai_state_change_event_data_t *event, void *context)
{
	TwaiRecord *twai = context;

	twai->state = event->new_sta;
	if ((TWAI_ERROR_BUS_OFF == event->new_sta) && (TWAI_ERROR_BUS_OFF != event->old_sta))
		twai->busOffEvents++;
	return false;
}

static bool IRAM_ATTR onError(twai_node_handle_t node, const twai_error_event_data_t *event, void *context)
{
	((TwaiRecord *)context)->errorEvents++;
	return false;
}

static void twaiRelease(TwaiRecord *twai)
{
	if (!twai)
		return;
	if (twai->node) {
		if (twai->enabled)
			twai_node_disable(twai->node);		/* best effort: the node is deleted next */
		twai_node_delete(twai->node);
	}
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

static void failed(xsMachine *the, TwaiRecord *twai, const char *what, esp_err_t err)
{
	twaiRelease(twai);
	xsUnknownError("%s failed: %s", what, esp_err_to_name(err));
}

void xs_twai(xsMachine *the)
{
	int transmit, receive, bitrate;
	TwaiRecord *twai;
	esp_err_t err;

	xsmcVars(1);
	transmit = getInteger(the, xsID_transmit, 0, 1);
	receive = getInteger(the, xsID_receive, 0, 1);
	bitrate = getInteger(the, xsID_bitrate, 0, 1);

	if ((transmit < 0) || (transmit > 48) || (receive < 0) || (receive > 48) || (transmit == receive))
		xsRangeError("invalid pin");
	if ((125000 != bitrate) && (250000 != bitrate) && (500000 != bitrate) && (1000000 != bitrate))
		xsRangeError("unsupported bitrate");
	if (gTwaiInUse)
		xsUnknownError("in use");

	twai = c_calloc(1, sizeof(TwaiRecord));
	if (!twai)
		xsUnknownError("no memory");
	gTwaiInUse = 1;
	portMUX_INITIALIZE(&twai->lock);
	twai->state = TWAI_ERROR_ACTIVE;

	twai_onchip_node_config_t config = {
		.io_cfg = { .tx = transmit, .rx = receive, .quanta_clk_out = -1, .bus_off_indicator = -1 },
		.bit_timing = { .bitrate = bitrate },
		.fail_retry_cnt = -1,				/* retry until acknowledged or bus-off, as CAN does */
		.tx_queue_depth = TX_SLOTS,
		.flags = { .no_receive_rtr = 1 },
	};
	err = twai_new_node_onchip(&config, &twai->node);
	if (ESP_OK != err)
		failed(the, twai, "twai_new_node_onchip", err);

	twai_event_callbacks_t callbacks = {
		.on_rx_done = onRxDone,
		.on_tx_done = onTxDone,
		.on_state_change = onStateChange,
		.on_error = onError,
	};
	err = twai_node_register_event_callbacks(twai->node, &callbacks, twai);
	if (ESP_OK != err)
		failed(the, twai, "twai_node_register_event_callbacks", err);

	err = twai_node_enable(twai->node);
	if (ESP_OK != err)
		failed(the, twai, "twai_node_enable", err);
	twai->enabled = 1;
	xsmcSetHostData(xsThis, twai);
}

static TwaiRecord *getTwai(xsMachine *the)
{
	TwaiRecord *twai = xsmcGetHostData(xsThis);
	if (!twai)
		xsUnknownError("closed");
	return twai;
}

/* write(id, data, extended) → 0 queued, 1 queue full, 2 bus-off, 3 other failure */
void xs_twai_write(xsMachine *the)
{
	TwaiRecord *twai = getTwai(the);
	void *data;
	xsUnsignedValue length;
	int id, extended, i;
	TxSlot *slot = NULL;
	esp_err_t err;

	id = xsmcToInteger(xsArg(0));
	extended = (xsmcArgc > 2) && xsmcTest(xsArg(2));
	if ((id < 0) || (id > (extended ? 0x1FFFFFFF : 0x7FF)))
		xsRangeError("invalid identifier");
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	if (length > CLASSIC_MAX_DATA)
		xsRangeError("more than 8 data bytes");

	for (i = 0; i < TX_SLOTS; i++) {
		if (!twai->tx[i].busy) {
			slot = &twai->tx[i];
			break;
		}
	}
	if (!slot) {
		xsmcSetInteger(xsResult, 1);
		return;
	}

	c_memset(&slot->frame, 0, sizeof(slot->frame));
	c_memcpy(slot->data, data, length);
	slot->frame.header.id = id;
	slot->frame.header.ide = extended ? 1 : 0;
	slot->frame.header.dlc = length;
	slot->frame.buffer = slot->data;
	slot->frame.buffer_len = length;
	slot->busy = 1;

	err = twai_node_transmit(twai->node, &slot->frame, 0);		/* never block the JS thread */
	if (ESP_OK == err) {
		xsmcSetInteger(xsResult, 0);
		return;
	}
	slot->busy = 0;				/* not queued: the driver holds no pointer to it */
	if (ESP_ERR_TIMEOUT == err)
		xsmcSetInteger(xsResult, 1);
	else if (ESP_ERR_INVALID_STATE == err)
		xsmcSetInteger(xsResult, 2);
	else
		xsmcSetInteger(xsResult, 3);
}

/* read(header: Uint32Array(3), data: Uint8Array(8)) → true when a frame was copied:
   header[0] = identifier, header[1] = 1 if extended, header[2] = data length (0–8). */
void xs_twai_read(xsMachine *the)
{
	TwaiRecord *twai = getTwai(the);
	void *header, *data;
	xsUnsignedValue headerLength, dataLength;
	RxSlot slot;
	uint8_t got = 0;

	xsmcGetBufferWritable(xsArg(0), &header, &headerLength);
	xsmcGetBufferWritable(xsArg(1), &data, &dataLength);
	if ((headerLength < 3 * sizeof(uint32_t)) || (dataLength < CLASSIC_MAX_DATA))
		xsRangeError("read buffers too small");

	portENTER_CRITICAL(&twai->lock);
	if (twai->rxCount) {
		slot = twai->rx[twai->rxHead];
		twai->rxHead = (twai->rxHead + 1) % RX_SLOTS;
		twai->rxCount--;
		got = 1;
	}
	portEXIT_CRITICAL(&twai->lock);

	if (got) {
		uint32_t *fields = header;
		fields[0] = slot.id;
		fields[1] = slot.extended;
		fields[2] = slot.length;
		c_memcpy(data, slot.data, slot.length);
	}
	xsmcSetBoolean(xsResult, got);
}

/* status(out: Int32Array(kStatusCount)): fills `out`, throws when the driver cannot say. */
void xs_twai_status(xsMachine *the)
{
	TwaiRecord *twai = getTwai(the);
	twai_node_status_t status;
	twai_node_record_t record;
	void *buffer;
	xsUnsignedValue length;
	int32_t *out;
	esp_err_t err;

	xsmcGetBufferWritable(xsArg(0), &buffer, &length);
	if (length < kStatusCount * sizeof(int32_t))
		xsRangeError("status buffer too small");
	err = twai_node_get_info(twai->node, &status, &record);
	if (ESP_OK != err)
		xsUnknownError("twai_node_get_info failed: %s", esp_err_to_name(err));

	out = buffer;
	out[kStatusState] = status.state;
	out[kStatusTxErrors] = status.tx_error_count;
	out[kStatusRxErrors] = status.rx_error_count;
	out[kStatusBusErrors] = record.bus_err_num;
	out[kStatusTxQueueFree] = status.tx_queue_remaining;
	portENTER_CRITICAL(&twai->lock);
	out[kStatusRxQueued] = twai->rxCount;
	out[kStatusRxOverruns] = twai->rxOverruns;
	out[kStatusBusOffEvents] = twai->busOffEvents;
	out[kStatusTxFailed] = twai->txFailed;
	portEXIT_CRITICAL(&twai->lock);
}

/* recover() → 0 recovery started, 1 not in bus-off (nothing to do), 2 the driver refused. */
void xs_twai_recover(xsMachine *the)
{
	TwaiRecord *twai = getTwai(the);
	esp_err_t err = twai_node_recover(twai->node);

	if (ESP_OK == err)
		xsmcSetInteger(xsResult, 0);
	else if (ESP_ERR_INVALID_STATE == err)
		xsmcSetInteger(xsResult, 1);
	else
		xsmcSetInteger(xsResult, 2);
}

void xs_twai_close(xsMachine *the)
{
	TwaiRecord *twai = xsmcGetHostData(xsThis);
	if (!twai)
		return;
	twaiRelease(twai);
	xsmcSetHostData(xsThis, NULL);
}
