import { describeStartupError, loadConfig } from '@gw/platform';
import { createGateway } from './app.factory';
import { credentialsPath, type BootstrapCredentials } from './bootstrap/bootstrap-users';
import { createLogger } from './logging/logger';

/** Local sign-in (POST /api/v1/auth/login) of the bootstrap accounts, when they have passwords. */
function signInLines(credentials: BootstrapCredentials): string[] {
  return [credentials.admin, credentials.user].flatMap((account, i) =>
    account.username && account.password
      ? [`  ${i === 0 ? 'Admin' : 'User'} sign-in: ${account.username} / ${account.password}`]
      : [],
  );
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const gateway = await createGateway(config, logger);
  await gateway.app.listen({ port: config.port, host: config.host });
  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const lines = [
    '',
    `  Switchyard is listening on ${base}`,
    `  Web portal:             ${base}/`,
    `  OpenAI-compatible API:  ${base}/v1  (POST /v1/chat/completions, GET /v1/models)`,
    `  Your usage:             ${base}/api/v1/me/usage`,
    `  API reference:          ${base}/api/docs  (OpenAPI: ${base}/api/docs/openapi.json)`,
    `  Health / metrics:       ${base}/health/ready  ${base}/metrics`,
    `  Mode: ${config.embedded ? `embedded (PGlite in ${config.dataDir})` : 'full'}, durability ${config.durability}`,
  ];
  if (gateway.credentials && !gateway.credentials.created) {
    lines.push(
      `  Gateway keys and sign-in passwords of the admin and demo user: ${credentialsPath(config.dataDir)}`,
    );
  } else if (gateway.credentials) {
    lines.push(
      '  First start: created an admin and a demo user.',
      `  Admin key:  ${gateway.credentials.admin.apiKey}`,
      `  User key:   ${gateway.credentials.user.apiKey}`,
      ...signInLines(gateway.credentials),
      `  (saved in ${credentialsPath(config.dataDir)}, mode 0600)`,
      '',
      `  Try it:  curl ${base}/v1/chat/completions -H "Authorization: Bearer ${gateway.credentials.user.apiKey}" \\`,
      `             -H 'content-type: application/json' -d '{"model":"auto","messages":[{"role":"user","content":"Hello!"}]}'`,
    );
  }
  // Keys are printed only when embedded mode has just generated them; an operator's key never is.
  if (config.bootstrapAdminKey)
    lines.push('  Admin: send the key you set in BOOTSTRAP_ADMIN_KEY as "Authorization: Bearer <key>"');
  process.stdout.write(`${lines.join('\n')}\n\n`);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: flushing events');
    gateway
      .close()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        logger.error({ err: (e as Error).message }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`Switchyard failed to start: ${describeStartupError(e)}\n`);
  process.exit(1);
});
