/**
 * What a CLI subcommand is: the words that select it, its usage line, and a run function that
 * returns an exit status. Usage mistakes exit 1, bad input exits 2, each with a one-line reason.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface Subcommand {
  /** The words that select it, e.g. ['decode', 'uart']. */
  readonly path: readonly string[];
  /** Arguments after the path, e.g. '[--request|--response] [--address N] <hex>'. */
  readonly usage: string;
  readonly summary: string;
  run(args: string[], io: CliIo): number | Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_BAD_INPUT = 2;

/** The command line itself is wrong (unknown option, missing argument): exit 1 with usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The input given is not valid (malformed frame, bad CRC, unreadable file): exit 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Splits `--name value` / `--flag` options from positional arguments. */
export function parseOptions(args: string[], valued: readonly string[], flags: readonly string[]): { options: Map<string, string>; positional: string[] } {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
    } else if (flags.includes(arg)) {
      options.set(arg, 'true');
    } else if (valued.includes(arg)) {
      if (i + 1 >= args.length) throw new UsageError(`${arg} needs a value`);
      options.set(arg, args[++i]);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return { options, positional };
}
