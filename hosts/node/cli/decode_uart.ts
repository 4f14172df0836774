/**
 * `tinybms-gw decode uart [--request|--response] [--address N] <hex>`: prints one TinyBMS UART
 * frame as JSON `{ "command", "kind", ...fields }` (field names of gateway-api.md; registers it
 * does not name under "registers"). A malformed or CRC-failing frame exits 2 with the reason.
 */
import { describeFrame, type DescribeOptions } from '../../../modules/uart_bms/describe';
import { fromHex } from '../../../modules/util/hex';
import { EXIT_OK, InputError, UsageError, parseOptions, type Subcommand } from './command';

function parseAddress(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const address = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(address) || address > 0xffff) throw new UsageError(`--address must be a register number 0–65535, got "${text}"`);
  return address;
}

export const decodeUart: Subcommand = {
  path: ['decode', 'uart'],
  usage: '[--request|--response] [--address N] <hex>',
  summary: 'decode one TinyBMS UART frame (hex, spaces allowed) to JSON; --address names the first register of a 0x03/0x07 answer',
  run(args, io) {
    const { options, positional } = parseOptions(args, ['--address'], ['--request', '--response']);
    if (options.has('--request') && options.has('--response')) throw new UsageError('give --request or --response, not both');
    if (positional.length === 0) throw new UsageError('missing the frame in hex');
    const describe: DescribeOptions = { address: parseAddress(options.get('--address')) };
    if (options.has('--request')) describe.direction = 'request';
    if (options.has('--response')) describe.direction = 'response';

    let bytes: Uint8Array;
    try {
      bytes = fromHex(positional.join(' '));
    } catch (error) {
      throw new InputError(`not a hex frame: ${(error as Error).message}`);
    }
    const result = describeFrame(bytes, describe);
    if (!result.ok) throw new InputError(`invalid frame (${result.error.code}): ${result.error.message}`);
    io.stdout(`${JSON.stringify(result.value, null, 2)}\n`);
    return EXIT_OK;
  },
};
