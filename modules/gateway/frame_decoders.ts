/**
 * The frame monitors' decoders (`decoded` in /ws/uart and /ws/can): debugging aids built on the
 * CLI's frame descriptions. Hosts with room for them (Node, mcsim) pass them to createGateway;
 * the ESP32 build leaves them out, so describe.ts and its register tables stay off the device
 * (issue 13) and the monitors there show the raw bytes with `decoded: {}`.
 */
import type { CanFrame } from '../../hosts/ports/can';
import { decodeCanFrame } from '../can_victron/decode';
import { describeFrame } from '../uart_bms/describe';
import type { FrameDecoders } from '../web_server/services';

export const MONITOR_FRAME_DECODERS: FrameDecoders = Object.freeze({
  uart: (bytes: Uint8Array) => {
    const decoded = describeFrame(bytes);
    return decoded.ok ? { ...decoded.value } : { error: decoded.error.message };
  },
  can: (frame: CanFrame) => {
    const decoded = decodeCanFrame(frame.id, frame.data);
    return decoded.ok ? { ...decoded.frame } : { error: decoded.error };
  },
});
