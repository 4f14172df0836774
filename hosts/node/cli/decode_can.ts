/**
 * `tinybms-gw decode can <id> <hex>`: prints one Victron/Pylontech CAN frame as JSON
 * `{ "id", "frame", ...fields }` with the gateway's field names (gateway-api.md §Field names).
 * An unknown id, more than 8 bytes or text that is not hex exits 2 with the reason.
 */
import { decodeCanFrame } from '../../../modules/can_victron/decode';
import { parseCanId } from '../../../modules/can_victron/frame';
import { fromHex } from '../../../modules/util/hex';
import { EXIT_OK, InputError, UsageError, parseOptions, type Subcommand } from './command';

export const decodeCan: Subcommand = {
  path: ['decode', 'can'],
  usage: '<id> <hex>',
  summary: 'decode one CAN frame of the Victron/Pylontech BMS protocol (id in hex, e.g. 0x351; data in hex, spaces allowed) to JSON',
  run(args, io) {
    const { positional } = parseOptions(args, [], []);
    if (positional.length < 2) throw new UsageError(positional.length === 0 ? 'missing the CAN id and the data' : 'missing the data in hex');
    let id: number;
    let data: Uint8Array;
    try {
      id = parseCanId(positional[0]);
    } catch (error) {
      throw new InputError((error as Error).message);
    }
    try {
      data = fromHex(positional.slice(1).join(' '));
    } catch (error) {
      throw new InputError(`not hex data: ${(error as Error).message}`);
    }
    const result = decodeCanFrame(id, data);
    if (!result.ok) throw new InputError(result.error);
    io.stdout(`${JSON.stringify({ id: result.frame.id, frame: result.frame.name, ...result.frame.fields }, null, 2)}\n`);
    return EXIT_OK;
  },
};
