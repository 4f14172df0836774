export interface OtaSlotInfo {
  running: string;
  pending?: string;
  /** The running image booted for the first time and is not yet confirmed. */
  pendingVerify: boolean;
}

/** Firmware slots: the next OTA partition on the ESP32, a folder on Node. */
export interface OtaPort {
  begin(size: number): void;
  write(chunk: Uint8Array): void;
  /** Finish writing; throws if the written size differs from `begin`'s. */
  end(): void;
  abort(): void;
  /** Make the written image boot next (as pending), then the host restarts. */
  activate(version: string): void;
  /** Confirm the running image after its health check. */
  markValid(): void;
  /** Give up the running pending image and boot the previous one. */
  rollback(): void;
  info(): OtaSlotInfo;
}
