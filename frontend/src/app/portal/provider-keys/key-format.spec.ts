import { baseUrlProblem, keyFormatProblem, modelsProblem, parseModels } from './key-format';

describe('keyFormatProblem', () => {
  it('accepts what looks like a key', () => {
    expect(keyFormatProblem('sk-ant-api03-abcdefghijklmnop')).toBeNull();
    expect(keyFormatProblem('AIzaSyA1234567890abcdefghijklmnopq')).toBeNull();
  });

  it('refuses an empty key, spaces and line breaks, odd characters and a too short key', () => {
    expect(keyFormatProblem('')).toBe('Paste the key.');
    expect(keyFormatProblem('sk-abc def1234567890')).toMatch(/no spaces/);
    expect(keyFormatProblem('sk-abcdef1234567890\n')).toMatch(/no spaces/);
    expect(keyFormatProblem('sk-abc"def1234567890')).toMatch(/only letters/);
    expect(keyFormatProblem('sk-abc')).toMatch(/Too short/);
    expect(keyFormatProblem('x'.repeat(513))).toMatch(/Too long/);
  });
});

describe('custom endpoint checks', () => {
  it('wants an absolute http(s) URL without credentials, query or fragment', () => {
    expect(baseUrlProblem('https://llm.example.com/v1')).toBeNull();
    expect(baseUrlProblem('')).toMatch(/API root/);
    expect(baseUrlProblem('llm.example.com/v1')).toMatch(/absolute URL/);
    expect(baseUrlProblem('ftp://llm.example.com/v1')).toMatch(/https or http/);
    expect(baseUrlProblem('https://user:pw@llm.example.com/v1')).toMatch(/credentials/);
    expect(baseUrlProblem('https://llm.example.com/v1?x=1')).toMatch(/query/);
  });

  it('reads model ids by line or comma, once each, and refuses ids that are not ids', () => {
    expect(parseModels('gpt-4o, llama3.2:3b\nmeta-llama/Llama-3.3-70B\n\ngpt-4o')).toEqual([
      'gpt-4o',
      'llama3.2:3b',
      'meta-llama/Llama-3.3-70B',
    ]);
    expect(modelsProblem('gpt-4o')).toBeNull();
    expect(modelsProblem('  ')).toMatch(/at least one/);
    expect(modelsProblem('../etc')).toMatch(/not a model id/);
    expect(modelsProblem(Array.from({ length: 51 }, (_, i) => `m${i}`).join(','))).toMatch(/At most 50/);
  });
});
