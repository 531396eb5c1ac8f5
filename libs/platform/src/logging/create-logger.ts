import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Anything that could hold a secret is redacted by path, and log calls never
 * receive provider keys or raw gateway keys in the first place.
 */
export function createLogger(
  level: string,
  service = 'switchyard-gateway',
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'authorization',
          'apiKey',
          'key',
          '*.authorization',
          '*.apiKey',
          '*.headers.authorization',
          'headers["x-api-key"]',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
