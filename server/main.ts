import { ConfigError, loadConfig, redactConfig } from './config.js';
import { startServer } from './server.js';
import { startupBanner } from './startup/banner.js';
import { StartupError } from './startup/startupError.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const debug = config.logLevel === 'debug' || config.logLevel === 'trace';
  let server;
  try {
    server = await startServer(config);
  } catch (error) {
    // One line a person can act on; the stack only when asked for (HALLQ_LOG_LEVEL=debug).
    const line = error instanceof StartupError ? error.message : `HallQ 启动失败 / HallQ failed to start: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${line}\n`);
    if (debug) process.stderr.write(`${stackOf(error)}\n`);
    process.exit(1);
  }
  server.log.info({ config: redactConfig(config) }, 'configuration');
  // For a person, on standard error, so standard output stays one JSON object per line.
  const halls = await server.store.halls.listHalls().catch(() => []);
  process.stderr.write(`${startupBanner({ host: config.host, port: server.port, dataDir: config.dataDir, halls, demo: config.demo, ...(config.redisUrl !== undefined ? { redisUrl: config.redisUrl } : {}) })}\n`);
  const stop = (signal: string) => {
    server.log.info({ signal }, 'shutting down');
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.log.error({ err: error }, 'could not close everything; exiting anyway');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function stackOf(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) parts.push(current.stack ?? current.message);
  return parts.join('\ncaused by: ');
}

void main().catch((error: unknown) => {
  process.stderr.write(`HallQ 启动失败 / HallQ failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (/^(debug|trace)$/i.test(process.env.HALLQ_LOG_LEVEL ?? '')) process.stderr.write(`${stackOf(error)}\n`);
  process.exit(1);
});
