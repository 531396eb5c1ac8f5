import { StringDecoder } from 'node:string_decoder';
import { SseDataParser, SseEventTooLargeError } from './sse-data-parser';

/** Feeds the pieces one by one and returns every event's data, including what end() flushes. */
function parse(pieces: readonly string[]): string[] {
  const parser = new SseDataParser();
  const out: string[] = [];
  for (const piece of pieces) out.push(...parser.feed(piece));
  out.push(...parser.end());
  return out;
}

const STREAM = [
  ': keep-alive comment',
  '',
  'data: {"n":1}',
  '',
  'event: message',
  'id: 7',
  'data:{"n":2}',
  '',
  'data: first line',
  'data: second line',
  '',
  'retry: 1000',
  ':',
  '',
  'data',
  '',
  'data: {"text":"café ✓ 👋"}',
  '',
  'data: [DONE]',
  '',
  '',
];
const EXPECTED = ['{"n":1}', '{"n":2}', 'first line\nsecond line', '', '{"text":"café ✓ 👋"}', '[DONE]'];

describe('SseDataParser', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('parses a whole stream with %s line ends', (_name, eol) => {
    expect(parse([STREAM.join(eol)])).toEqual(EXPECTED);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('gives the same events for every split point (%s)', (_name, eol) => {
    const wire = STREAM.join(eol);
    for (let at = 0; at <= wire.length; at += 1) {
      expect(parse([wire.slice(0, at), wire.slice(at)])).toEqual(EXPECTED);
    }
  });

  it('gives the same events for every pair of split points', () => {
    const wire = STREAM.join('\r\n');
    for (let a = 0; a <= wire.length; a += 3) {
      for (let b = a; b <= wire.length; b += 5) {
        expect(parse([wire.slice(0, a), wire.slice(a, b), wire.slice(b)])).toEqual(EXPECTED);
      }
    }
  });

  it('gives the same events when fed one character at a time', () => {
    expect(parse([...STREAM.join('\r\n')])).toEqual(EXPECTED);
  });

  it('keeps multi-byte characters whole when bytes are split anywhere (with a StringDecoder in front)', () => {
    const bytes = Buffer.from(STREAM.join('\n'), 'utf8');
    for (let at = 0; at <= bytes.length; at += 1) {
      const decoder = new StringDecoder('utf8');
      expect(
        parse([decoder.write(bytes.subarray(0, at)), decoder.write(bytes.subarray(at)), decoder.end()]),
      ).toEqual(EXPECTED);
    }
  });

  it('returns several events from one read, in order', () => {
    const parser = new SseDataParser();
    expect(parser.feed('data: a\n\ndata: b\n\ndata: c\n\n')).toEqual(['a', 'b', 'c']);
  });

  it('returns an event only once its blank line has arrived', () => {
    const parser = new SseDataParser();
    expect(parser.feed('data: a\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual(['a']);
  });

  it('treats CR then LF in the next read as one line end, not as a blank line', () => {
    const parser = new SseDataParser();
    expect(parser.feed('data: a\r')).toEqual([]);
    expect(parser.feed('\ndata: b\r\n')).toEqual([]); // no premature event from the split CRLF
    expect(parser.feed('\r\n')).toEqual(['a\nb']);
  });

  it('flushes an event that lacks its final blank line at the end', () => {
    const parser = new SseDataParser();
    expect(parser.feed('data: [DONE]')).toEqual([]);
    expect(parser.end()).toEqual(['[DONE]']);
  });

  it('ignores comments, other fields and blank lines without data', () => {
    expect(parse([': ping\n\nevent: update\nid: 3\n\n\n\n'])).toEqual([]);
  });

  it('keeps a colon inside the value and removes only one leading space', () => {
    expect(parse(['data:  {"a":"b:c"}\n\n'])).toEqual([' {"a":"b:c"}']);
  });

  describe('with a size limit per event', () => {
    it('takes events up to the limit, however they are split', () => {
      const parser = new SseDataParser(10);
      expect(parser.feed('data: 0123')).toEqual([]);
      expect(parser.feed('456789\n\n')).toEqual(['0123456789']);
      expect(parser.feed('data: abc\n\n'.repeat(100))).toHaveLength(100);
    });

    it('refuses a line that never ends', () => {
      const parser = new SseDataParser(10);
      expect(parser.feed('data: 0123')).toEqual([]);
      expect(() => parser.feed('4')).toThrow(SseEventTooLargeError);
    });

    it('refuses an event whose data lines together are too long', () => {
      const parser = new SseDataParser(10);
      expect(() => parser.feed('data: 012345\ndata: 678901\n')).toThrow(
        'a stream event is larger than 10 characters',
      );
    });
  });
});
