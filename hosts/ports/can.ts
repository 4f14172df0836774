/** Classic CAN 2.0A frame: 11-bit identifier, 0–8 data bytes. */
export interface CanFrame {
  id: number;
  data: Uint8Array;
}

export type CanSendResult = 'accepted' | 'queue_full' | 'bus_off';

export type CanBusState = 'stopped' | 'running' | 'error_passive' | 'bus_off' | 'recovering';

export interface CanPortStatus {
  state: CanBusState;
  txErrorCounter: number;
  rxErrorCounter: number;
  busErrorCount: number;
}

/** The TWAI controller (500 kbit/s, GPIO 5 TX / 4 RX). Sending never blocks. */
export interface CanPort {
  send(frame: CanFrame): CanSendResult;
  onReceive(callback: (frame: CanFrame) => void): void;
  status(): CanPortStatus;
  /** Start bus-off recovery; the state goes to `recovering`, then `running`. */
  recover(): void;
}
