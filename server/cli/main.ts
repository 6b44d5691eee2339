/**
 * `npm run hallq -- …`: the server machine's command line for halls,
 * passwords and backups. It opens the same store as the server (the same
 * HALLQ_* settings, data directory or HALLQ_REDIS_URL) and may run while the
 * server runs: SQLite is in WAL mode, and neither store caches the absence of
 * a hall, so a hall created here is served at once. Each outcome is one or a
 * few plain lines; errors go to stderr with a non-zero exit code (args.ts).
 */
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.js';
import type { Lang } from '../protocol/messages.js';
import { openStore } from '../server.js';
import { StoreError } from '../store/port.js';
import { CliError, EXIT, parseArgs } from './args.js';
import { type CliContext, adminResetPassword, backup, hallsCreate, hallsExport, hallsImport, hallsList } from './commands.js';
import { cliText } from './text.js';

/** Options that go to the server's own configuration loader. */
const STORE_OPTIONS = ['data-dir', 'redis-url', 'config'];

const VERBS: Record<string, (ctx: CliContext, args: ReturnType<typeof parseArgs>) => Promise<void>> = {
  'halls list': hallsList,
  'halls create': hallsCreate,
  'halls export': hallsExport,
  'halls import': hallsImport,
  'admin reset-password': adminResetPassword,
  backup,
};

export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv);
  const lang: Lang = (args.options.get('lang') ?? env.HALLQ_LANG) === 'en' ? 'en' : 'zh';
  const text = cliText[lang];
  const [first, second] = args.words;
  const verb = first === 'backup' ? 'backup' : `${first ?? ''} ${second ?? ''}`.trim();
  if (!first || first === 'help' || args.options.has('help')) {
    for (const line of text.usage) process.stdout.write(`${line}\n`);
    return first ? 0 : EXIT.usage;
  }
  const run = VERBS[verb];
  if (!run) {
    process.stderr.write(`${text.error}${text.unknownCommand(verb)}\n`);
    return EXIT.usage;
  }
  try {
    const storeArgv = STORE_OPTIONS.flatMap((name) => (args.options.has(name) ? [`--${name}`, args.options.get(name)!] : []));
    const config = loadConfig(storeArgv, env);
    const log = pino({ level: 'silent' });
    await run(
      {
        config,
        lang,
        text,
        openStore: () => openStore(config, log),
        out: (line) => process.stdout.write(`${line}\n`),
        write: (chunk) => process.stdout.write(chunk),
        now: Date.now,
      },
      args,
    );
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      if (error.message) process.stderr.write(`${text.error}${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${text.error}${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof StoreError) {
      process.stderr.write(`${text.error}${text.storeUnavailable(error.message)}\n`);
      return EXIT.refused;
    }
    throw error;
  }
}

// Only when run as a program (npm run hallq), not when imported by a test.
if (process.argv[1] && /[/\\]cli[/\\]main\.[jt]s$/.test(process.argv[1])) {
  runCli(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${cliText.zh.error}${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
