import type { ProjectionLogger } from '../projection-logger';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly context: Readonly<Record<string, unknown>>;
  readonly message: string;
}

/** Keeps what the runtime logged, so tests can assert on it. */
export class RecordingLogger implements ProjectionLogger {
  readonly entries: LogEntry[] = [];
  info(context: Readonly<Record<string, unknown>>, message: string): void {
    this.entries.push({ level: 'info', context, message });
  }
  warn(context: Readonly<Record<string, unknown>>, message: string): void {
    this.entries.push({ level: 'warn', context, message });
  }
  error(context: Readonly<Record<string, unknown>>, message: string): void {
    this.entries.push({ level: 'error', context, message });
  }
  at(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((e) => e.level === level);
  }
}
