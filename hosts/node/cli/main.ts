/**
 * The `tinybms-gw` command line: a table of subcommands selected by their leading words
 * (`decode uart`, …). Add a subcommand by writing its file and listing it in SUBCOMMANDS.
 */
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, InputError, UsageError, type CliIo, type Subcommand } from './command';
import { decodeCan } from './decode_can';
import { decodeUart } from './decode_uart';
import { encodeVictron } from './encode_victron';
import { resetPassword } from './reset_password';
import { simulate } from './simulate';

export const SUBCOMMANDS: readonly Subcommand[] = [decodeUart, decodeCan, encodeVictron, resetPassword, simulate];

export function usageText(subcommands: readonly Subcommand[] = SUBCOMMANDS): string {
  const lines = subcommands.map((s) => `  tinybms-gw ${s.path.join(' ')} ${s.usage}\n      ${s.summary}`);
  return `usage:\n${lines.join('\n')}\n`;
}

function find(args: string[], subcommands: readonly Subcommand[]): Subcommand | undefined {
  return subcommands.find((s) => s.path.every((word, i) => args[i] === word));
}

/** Runs the command line `args` (without node and script); returns the exit status. */
export async function runCli(args: string[], io: CliIo, subcommands: readonly Subcommand[] = SUBCOMMANDS): Promise<number> {
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    (args.length === 0 ? io.stderr : io.stdout)(usageText(subcommands));
    return args.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  const subcommand = find(args, subcommands);
  if (!subcommand) {
    io.stderr(`tinybms-gw: unknown command "${args.slice(0, 2).join(' ')}"\n${usageText(subcommands)}`);
    return EXIT_USAGE;
  }
  const rest = args.slice(subcommand.path.length);
  try {
    return await subcommand.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`tinybms-gw ${subcommand.path.join(' ')}: ${error.message}\nusage: tinybms-gw ${subcommand.path.join(' ')} ${subcommand.usage}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof InputError) {
      io.stderr(`tinybms-gw ${subcommand.path.join(' ')}: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}
