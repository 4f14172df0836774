/**
 * Loaded into an xsnap worker by the bench: each command runs one poll-cycle decode, so the
 * worker's per-command metering gives the XS cost (computrons) and heap of exactly that work.
 */
import { ResponseFramer } from '../../modules/uart_bms/framer';
import { decodePollAnswer, liveReadAnswer } from './poll_cycle';

const answer = liveReadAnswer();
const framer = new ResponseFramer();
let polls = 0;

declare const gc: () => void;

/** 'settle' collects garbage so the next command's heap figure starts from live objects only. */
(globalThis as unknown as { handleCommand: (message: ArrayBuffer) => ArrayBuffer }).handleCommand = (message) => {
  if (new Uint8Array(message)[0] === 0x73) {
    gc();
    return new ArrayBuffer(0);
  }
  const live = decodePollAnswer(framer, answer, ++polls * 250);
  const reply = `${live.cell_count} ${live.pack_voltage_v}`;
  const bytes = new Uint8Array(reply.length);
  for (let i = 0; i < reply.length; i++) bytes[i] = reply.charCodeAt(i);
  return bytes.buffer;
};
