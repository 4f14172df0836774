/** The TinyBMS UART (115200 8N1 on GPIO 37/36 on the ESP32-S3). */
export interface SerialPort {
  write(bytes: Uint8Array): void;
  /** Register the receive callback; bytes arrive in arbitrary chunks. */
  onReceive(callback: (bytes: Uint8Array) => void): void;
  /** Drop anything buffered but not yet delivered (used before a retry). */
  flush?(): void;
  /** Optional: copies of received bytes made this platform's cheapest way (FramerOptions.copyOf); called unbound. */
  readonly copyOf?: (bytes: Uint8Array) => Uint8Array;
}
