const LF = 10;
const NO_EVENTS: readonly string[] = Object.freeze([]);

/** One event (or one line still without its end) is longer than the parser's limit. */
export class SseEventTooLargeError extends Error {
  constructor(limit: number) {
    super(`a stream event is larger than ${limit} characters`);
    this.name = 'SseEventTooLargeError';
  }
}

/**
 * An incremental parser for `text/event-stream` that returns the `data` of each complete event.
 *
 * Follows the WHATWG rules: lines end with LF, CRLF or CR (a CRLF split across two reads is one line
 * end); a blank line ends an event; several `data:` lines of one event are joined with "\n"; lines
 * starting with ':' are comments (keep-alives); `event:`, `id:` and `retry:` are ignored. Feed it
 * decoded text (the caller decodes UTF-8 with a streaming decoder, so characters split across reads
 * stay whole). Events are returned as soon as their blank line arrives, so text split at any point,
 * and several events in one read, give the same result.
 *
 * `maxEventChars` bounds what the parser holds for one event: an unterminated line or an event's
 * joined data longer than that throws SseEventTooLargeError (a server that never ends its line would
 * otherwise grow the buffer without end).
 */
export class SseDataParser {
  private rest = '';
  private pendingData: string | undefined;
  private skipLeadingLf = false;

  constructor(private readonly maxEventChars = Number.POSITIVE_INFINITY) {}

  /** Parses the next piece of the stream; returns the data of the events it completed. */
  feed(text: string): readonly string[] {
    const input = this.rest.length === 0 ? text : this.rest + text;
    let start = 0;
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (input.charCodeAt(0) === LF) start = 1;
    }
    let events: string[] | undefined;
    let nextCr = input.indexOf('\r', start);
    for (;;) {
      const nextLf = input.indexOf('\n', start);
      if (nextCr !== -1 && nextCr < start) nextCr = input.indexOf('\r', start);
      let end: number;
      let after: number;
      if (nextCr !== -1 && (nextLf === -1 || nextCr < nextLf)) {
        end = nextCr;
        if (nextCr + 1 === input.length) {
          this.skipLeadingLf = true;
          after = nextCr + 1;
        } else {
          after = input.charCodeAt(nextCr + 1) === LF ? nextCr + 2 : nextCr + 1;
        }
      } else if (nextLf !== -1) {
        end = nextLf;
        after = nextLf + 1;
      } else {
        break;
      }
      const data = this.line(input, start, end);
      if (data !== undefined) (events ??= []).push(data);
      start = after;
    }
    this.rest = start === 0 ? input : input.slice(start);
    if (this.rest.length + (this.pendingData?.length ?? 0) > this.maxEventChars)
      throw new SseEventTooLargeError(this.maxEventChars);
    return events ?? NO_EVENTS;
  }

  /**
   * Ends the stream. An unterminated last line is taken as a line, and an event that lacks its final
   * blank line is returned rather than dropped (lenient: some servers end right after `data: [DONE]`).
   */
  end(): readonly string[] {
    const rest = this.rest;
    this.rest = '';
    this.skipLeadingLf = false;
    let events: string[] | undefined;
    if (rest.length > 0) {
      const data = this.line(rest, 0, rest.length);
      if (data !== undefined) events = [data];
    }
    if (this.pendingData !== undefined) {
      (events ??= []).push(this.pendingData);
      this.pendingData = undefined;
    }
    return events ?? NO_EVENTS;
  }

  /** Handles one line; returns the event's data when the line is the blank line that ends it. */
  private line(input: string, start: number, end: number): string | undefined {
    if (start === end) {
      const data = this.pendingData;
      this.pendingData = undefined;
      return data;
    }
    const first = input.charCodeAt(start);
    if (first === 58 /* ':' comment */) return undefined;
    let value: string;
    if (input.startsWith('data: ', start)) {
      value = input.slice(start + 6, end);
    } else if (input.startsWith('data:', start)) {
      value = input.slice(start + 5, end);
    } else if (end - start === 4 && input.startsWith('data', start)) {
      value = '';
    } else {
      return undefined;
    }
    this.pendingData = this.pendingData === undefined ? value : `${this.pendingData}\n${value}`;
    if (this.pendingData.length > this.maxEventChars) throw new SseEventTooLargeError(this.maxEventChars);
    return undefined;
  }
}
