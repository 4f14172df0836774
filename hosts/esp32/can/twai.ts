/**
 * The ESP32's TWAI (CAN 2.0) controller as an XS host object; the native side is twai_esp32.c
 * (ESP-IDF TWAI driver). Writes never block: a full transmit queue is reported, not waited
 * for. Frames are read by polling (`read()` returns undefined when none is waiting).
 */
export interface TwaiOptions {
  transmit: number;
  receive: number;
  /** 125000, 250000, 500000 or 1000000. */
  bitrate: number;
  /** Frames the driver queues for sending (default 10). */
  txQueueLength?: number;
  /** Frames the driver keeps until read (default 32). */
  rxQueueLength?: number;
}

export interface TwaiFrame {
  id: number;
  extended: boolean;
  data: ArrayBuffer;
}

/** Driver states, as twai_state_t numbers them. */
export const TWAI_STATE = Object.freeze({ stopped: 0, running: 1, busOff: 2, recovering: 3 });

/** Results of `write`. */
export const TWAI_WRITE = Object.freeze({ queued: 0, queueFull: 1, notRunning: 2, failed: 3 });

export interface TwaiStatus {
  state: number;
  txErrorCounter: number;
  rxErrorCounter: number;
  txFailedCount: number;
  rxMissedCount: number;
  busErrorCount: number;
  txQueued: number;
  rxQueued: number;
}

export default class Twai extends Native('xs_twai_destructor') {
  constructor(options: TwaiOptions) {
    super();
    native('xs_twai').call(this, options);
  }

  /** One of TWAI_WRITE; throws for an invalid identifier or more than 8 data bytes. */
  write(id: number, data: Uint8Array, extended = false): number {
    return native('xs_twai_write').call(this, id, data, extended);
  }

  read(): TwaiFrame | undefined {
    return native('xs_twai_read').call(this);
  }

  status(): TwaiStatus {
    return native('xs_twai_status').call(this);
  }

  /** Start bus-off recovery (128 × 11 recessive bits); the driver is then stopped until `start`. */
  recover(): void {
    native('xs_twai_recover').call(this);
  }

  start(): void {
    native('xs_twai_start').call(this);
  }

  close(): void {
    native('xs_twai_close').call(this);
  }
}
