export interface OtaSlotInfo {
  /** What runs now: its version where the host knows it (Node), else the partition label (ESP32). */
  running: string;
  /** Activated, boots at the next restart. */
  pending?: string;
  /** What a rollback returns to, when the host knows. */
  previous?: string;
  /** The running image booted for the first time and is not yet confirmed. */
  pendingVerify: boolean;
  /** Capacity of the slot an upload writes to, when the host knows it. */
  slotBytes?: number;
  /** Lowest security version an image may carry (anti-rollback floor); absent = 0. */
  securityFloor?: number;
  /** The last automatic return to the previous image; `atThisBoot` when it happened at this start. */
  lastRollback?: { version: string; reason: string; atThisBoot: boolean };
  /** Why updates are unavailable on this host right now (e.g. its slot folder cannot be written). */
  unavailable?: string;
}

/** Firmware slots: the next OTA partition on the ESP32, a folder on Node. */
export interface OtaPort {
  /**
   * Start writing the inactive slot. `expectedSize` when known (a multipart upload does not know
   * its image size up front); then end() checks it.
   */
  begin(expectedSize?: number): void;
  write(chunk: Uint8Array): void;
  /** Finish writing; throws if the written size differs from `begin`'s. */
  end(): void;
  abort(): void;
  /** Make the written image boot next (as pending), then the host restarts. */
  activate(version: string, securityVersion?: number): void;
  /** Confirm the running image after its health check. */
  markValid(): void;
  /** Give up the running pending image and boot the previous one. */
  rollback(): void;
  info(): OtaSlotInfo;
}
