/**
 * npm run printer-agent -- --server URL --token TOKEN --printer INTERFACE
 *
 * Runs on a kiosk or window PC with a USB or driver printer and connects it to
 * the HallQ server. The token may come from HALLQ_AGENT_TOKEN instead of the
 * command line, where other users of the PC could read it in the process list.
 */
import { parseArgs } from 'node:util';
import { hallOfToken, startPrintAgent } from './agent.js';
import { openPrinter } from './drivers/index.js';

const USAGE = 'usage: npm run printer-agent -- --server http://HOST:PORT --token hqd_… --printer tcp://HOST:9100|/dev/usb/lp0';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      printer: { type: 'string' },
      'status-interval': { type: 'string' },
    },
    strict: true,
  });
  const token = values.token ?? process.env.HALLQ_AGENT_TOKEN;
  if (!values.server || !token || !values.printer) throw new Error(USAGE);
  const printer = openPrinter(values.printer);
  const log = {
    info: (message: string) => console.log(`${new Date().toISOString()} ${message}`),
    warn: (message: string) => console.warn(`${new Date().toISOString()} ${message}`),
  };
  const hallId = await hallOfToken(values.server, token);
  const agent = startPrintAgent({
    server: values.server,
    token,
    hallId,
    printer,
    log,
    statusIntervalMs: values['status-interval'] ? Number(values['status-interval']) * 1000 : 10_000,
  });
  log.info(`print agent for hall ${hallId}, printer ${values.printer}`);
  const stop = () => void agent.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
