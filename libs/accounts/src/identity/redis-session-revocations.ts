import type { Redis } from 'ioredis';
import { RevokedSessionList, type SessionRevocations } from './session-revocations';

export const REVOKED_SESSIONS_STREAM = 'switchyard:revoked-sessions';
/** How often each instance reads the revocations it has not seen yet. */
export const REVOCATION_POLL_MS = 1_000;
const BATCH = 1_000;

export interface RevocationObserver {
  /** Redis could not be read or written (once per outage, not once per attempt). */
  unreachable(e: Error): void;
  recovered(): void;
}

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

/**
 * Full mode: every instance's revocations in one Redis stream. `revoke` puts the session on this
 * instance's list at once and appends `{sid, until}` to the stream (trimmed to entries younger than
 * `retentionMs`, the longest access-token life); each instance reads the stream from where it left
 * off every second (XREAD: nothing is missed across a Redis outage, the reader catches up), so a
 * logged-out token is refused everywhere within about a second. A revocation that cannot be written
 * while Redis is down is kept and written when Redis answers again. A new instance reads the whole
 * retained stream before it answers.
 */
export class RedisSessionRevocations implements SessionRevocations {
  private readonly list: RevokedSessionList;
  private lastId = '0';
  private readonly unsent: Array<{ sessionId: string; untilMs: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private down = false;

  constructor(
    private readonly redis: Redis,
    private readonly retentionMs: number,
    private readonly observer: RevocationObserver,
    private readonly options: {
      readonly stream?: string;
      readonly pollMs?: number;
      readonly now?: () => number;
    } = {},
  ) {
    this.list = new RevokedSessionList(options.now);
  }

  private get stream(): string {
    return this.options.stream ?? REVOKED_SESSIONS_STREAM;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Reads what is retained (a start while Redis is down does not wait: the first poll catches up). */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.pollMs ?? REVOCATION_POLL_MS);
    this.timer.unref();
  }

  async revoke(sessionId: string, untilMs: number): Promise<void> {
    this.list.add(sessionId, untilMs);
    try {
      await this.append(sessionId, untilMs);
      this.healthy();
    } catch (e) {
      this.unsent.push({ sessionId, untilMs });
      this.failed(e as Error);
    }
  }

  isRevoked(sessionId: string): boolean {
    return this.list.has(sessionId);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }

  /** One poll: write what could not be written, then read what is new. Never two at once. */
  private tick(): Promise<void> {
    this.ticking ??= this.poll()
      .then(
        () => this.healthy(),
        (e: unknown) => this.failed(e as Error),
      )
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  private async poll(): Promise<void> {
    while (this.unsent.length > 0) {
      const { sessionId, untilMs } = this.unsent[0]!;
      if (untilMs > this.now()) await this.append(sessionId, untilMs);
      this.unsent.shift();
    }
    for (;;) {
      const reply = (await this.redis.xread(
        'COUNT',
        BATCH,
        'STREAMS',
        this.stream,
        this.lastId,
      )) as StreamReply;
      const entries = reply?.[0]?.[1] ?? [];
      for (const [id, fields] of entries) {
        this.lastId = id;
        const sid = field(fields, 'sid');
        const until = Number(field(fields, 'until'));
        if (sid && Number.isFinite(until)) this.list.add(sid, until);
      }
      if (entries.length < BATCH) return;
    }
  }

  private async append(sessionId: string, untilMs: number): Promise<void> {
    const minId = Math.max(0, this.now() - this.retentionMs);
    await this.redis.xadd(
      this.stream,
      'MINID',
      '~',
      String(minId),
      '*',
      'sid',
      sessionId,
      'until',
      String(untilMs),
    );
  }

  private failed(e: Error): void {
    if (this.down) return;
    this.down = true;
    this.observer.unreachable(e);
  }

  private healthy(): void {
    if (!this.down) return;
    this.down = false;
    this.observer.recovered();
  }
}

const field = (fields: string[], name: string): string | undefined => {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
};
