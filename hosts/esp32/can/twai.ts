/**
 * The ESP32's TWAI (CAN 2.0) controller as an XS host object; the native side is twai_esp32.c
 * (ESP-IDF v6.0 TWAI node API). Writes never block: a full transmit queue is reported, not
 * waited for. Frames and status are read by polling into buffers the caller owns, so a poll
 * allocates nothing unless a frame arrived.
 */
export interface TwaiOptions {
  transmit: number;
  receive: number;
  /** 125000, 250000, 500000 or 1000000. */
  bitrate: number;
}

/** Node error states, as twai_error_state_t numbers them. */
export const TWAI_STATE = Object.freeze({ errorActive: 0, errorWarning: 1, errorPassive: 2, busOff: 3 });

/** Results of `write`. */
export const TWAI_WRITE = Object.freeze({ queued: 0, queueFull: 1, busOff: 2, failed: 3 });

/** Results of `recover`. */
export const TWAI_RECOVER = Object.freeze({ started: 0, notBusOff: 1, refused: 2 });

/** Index of each figure in the Int32Array `status` fills (the enum in twai_esp32.c). */
export const STATUS_FIELD = Object.freeze({
  state: 0,
  txErrorCounter: 1,
  rxErrorCounter: 2,
  busErrorCount: 3,
  txQueueFree: 4,
  rxQueued: 5,
  rxOverruns: 6,
  busOffEvents: 7,
  txFailed: 8,
});
export const STATUS_LENGTH = 9;

/** Index of each figure in the Uint32Array `read` fills. */
export const FRAME_FIELD = Object.freeze({ id: 0, extended: 1, length: 2 });

export default class Twai extends Native('xs_twai_destructor') {
  constructor(options: TwaiOptions) {
    super();
    native('xs_twai').call(this, options);
  }

  /** One of TWAI_WRITE; throws for an invalid identifier or more than 8 data bytes. */
  write(id: number, data: Uint8Array, extended = false): number {
    return native('xs_twai_write').call(this, id, data, extended);
  }

  /** Copies the oldest received frame into `header` (FRAME_FIELD) and `data` (≥ 8 bytes); false when none waits. */
  read(header: Uint32Array, data: Uint8Array): boolean {
    return native('xs_twai_read').call(this, header, data);
  }

  /** Fills `out` (STATUS_LENGTH entries, STATUS_FIELD order). */
  status(out: Int32Array): void {
    native('xs_twai_status').call(this, out);
  }

  /** One of TWAI_RECOVER: recovery (128 × 11 recessive bits) started, or why not. */
  recover(): number {
    return native('xs_twai_recover').call(this);
  }

  close(): void {
    native('xs_twai_close').call(this);
  }
}
