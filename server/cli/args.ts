/** The command line split into words and `--name value` / `--name=value` options (a bare `--flag` is "true"). */
export interface ParsedArgs {
  words: string[];
  options: Map<string, string>;
}

/** Options that take no value. */
const FLAGS = new Set(['archived']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const words: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (eq !== -1) options.set(name, arg.slice(eq + 1));
    else if (FLAGS.has(name) || argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) options.set(name, 'true');
    else options.set(name, argv[++i]!);
  }
  return { words, options };
}

/** Error the command line reports as one line, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Exit codes: 0 done; 1 refused (bad id, duplicate, unknown template, unreadable file, invalid config, …); 2 wrong usage or settings; 3 backup asked of a Redis store (nothing written). */
export const EXIT = { refused: 1, usage: 2, notApplicable: 3 } as const;
