import type { ChatCompletionRequest, FunctionTool } from '../openai-wire';
import { nameWords, selectToolCalls } from './tool-call-selection';

const tool = (name: string): FunctionTool => ({ type: 'function', function: { name } });
const weather = tool('get_weather');
const stocks = tool('lookupStockPrice');

const req = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'm',
  messages: [{ role: 'user', content }],
  tools: [weather, stocks],
  ...extra,
});
const names = (request: ChatCompletionRequest): string[] =>
  selectToolCalls(request, String(request.messages.at(-1)?.content ?? '')).map((fn) => fn.name);

describe('selectToolCalls', () => {
  it('splits names into words of 4+ letters', () => {
    expect(nameWords('get_weather')).toEqual(['weather']);
    expect(nameWords('lookupStockPrice')).toEqual(['lookup', 'stock', 'price']);
  });

  it("'auto' calls the functions the last user message mentions", () => {
    expect(names(req("What's the weather like?"))).toEqual(['get_weather']);
    expect(names(req('Weather in Rome and the stock price of ACME'))).toEqual([
      'get_weather',
      'lookupStockPrice',
    ]);
    expect(names(req('Tell me a story'))).toEqual([]);
  });

  it("'auto' answers in text after a tool result", () => {
    const request = req('weather?', {
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c', content: 'sunny' },
      ],
    });
    expect(selectToolCalls(request, 'weather?')).toEqual([]);
  });

  it("'required' falls back to the first function when none is mentioned", () => {
    expect(names(req('Tell me a story', { tool_choice: 'required' }))).toEqual(['get_weather']);
    expect(names(req('stock price please', { tool_choice: 'required' }))).toEqual(['lookupStockPrice']);
  });

  it("'none' and no tools call nothing; a named choice calls that function", () => {
    expect(names(req('weather', { tool_choice: 'none' }))).toEqual([]);
    expect(names(req('weather', { tools: [] }))).toEqual([]);
    expect(
      names(req('weather', { tool_choice: { type: 'function', function: { name: 'lookupStockPrice' } } })),
    ).toEqual(['lookupStockPrice']);
  });

  it('calls at most one function when parallel_tool_calls is false', () => {
    expect(names(req('weather and stock price', { parallel_tool_calls: false }))).toEqual(['get_weather']);
  });
});
