import { Writable } from 'node:stream';
import { createLogger, REDACTED, redactSecrets, SECRET_FIELDS } from './create-logger';

const SECRET = 'sk-live-SECRET-0123456789abcdef';

/** A logger writing into memory, and the lines it wrote. */
function memoryLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  // The sink completes each write at once, so every line is in `lines` when the log call returns.
  return { logger: createLogger('info', 'test', sink), lines };
}

/** `{a: {b: {c: {<field>: secret}}}}` with `levels` objects above the field. */
const nested = (levels: number, field: string): Record<string, unknown> => {
  let value: Record<string, unknown> = { [field]: SECRET, harmless: 'kept' };
  for (let level = 0; level < levels; level++) value = { [`level${level}`]: value };
  return value;
};

describe('createLogger redaction', () => {
  it.each([0, 1, 2, 3, 4])('finds every secret field %i levels down', (levels) => {
    const { logger, lines } = memoryLogger();
    for (const field of [...SECRET_FIELDS, 'Authorization', 'X-Api-Key', 'APIKEY'])
      logger.info(nested(levels, field), 'nested secret');
    expect(lines).toHaveLength(SECRET_FIELDS.length + 3);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).toContain(REDACTED);
      expect(line).toContain('"harmless":"kept"');
    }
  });

  it('finds them in arrays, request-like headers, and errors with a config (axios-style)', () => {
    const { logger, lines } = memoryLogger();
    const err = Object.assign(new Error('request failed'), {
      config: { headers: { Authorization: `Bearer ${SECRET}`, 'x-goog-api-key': SECRET } },
    });
    logger.info({ attempts: [{ target: { apiKey: SECRET } }] }, 'array');
    logger.info({ req: { headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET } } }, 'request');
    logger.error({ err }, 'error object');
    logger.error(err);
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain(SECRET);
    const logged = JSON.parse(lines[2]!) as { err: { type: string; message: string; stack: string } };
    expect(logged.err).toMatchObject({ type: 'Error', message: 'request failed' });
    expect(logged.err.stack).toContain('request failed');
    expect(JSON.parse(lines[3]!).err.config.headers.Authorization).toBe(REDACTED);
  });

  it('leaves ordinary lines as they are, and never changes the caller’s object', () => {
    const { logger, lines } = memoryLogger();
    const fields = { requestId: 'r1', provider: 'mock-swift', status: 200, tokens: { prompt: 3 } };
    const withSecret = { target: { provider: 'p', apiKey: SECRET } };
    logger.info(fields, 'chat request');
    logger.info(withSecret, 'secret');
    expect(JSON.parse(lines[0]!)).toMatchObject(fields);
    expect(redactSecrets(fields)).toBe(fields); // nothing secret: not even copied
    expect(withSecret.target.apiKey).toBe(SECRET);
    expect(JSON.parse(lines[1]!).target).toEqual({ provider: 'p', apiKey: REDACTED });
  });

  it('stops at its depth (a bound, so that a huge or cyclic object costs little)', () => {
    const cyclic: Record<string, unknown> = { apiKey: SECRET };
    cyclic['self'] = cyclic;
    const redacted = redactSecrets(cyclic);
    expect(redacted['apiKey']).toBe(REDACTED);
    expect(JSON.stringify(redactSecrets(nested(5, 'apiKey')))).toContain(SECRET);
  });
});
