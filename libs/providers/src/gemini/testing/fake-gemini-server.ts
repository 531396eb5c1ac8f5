import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Gemini API on 127.0.0.1 for tests. It speaks `POST /v1beta/models/{model}:generateContent`
 * and `:streamGenerateContent?alt=sse` as documented, and it is strict where Gemini is strict, so
 * that translation bugs fail tests: the key must come in `x-goog-api-key` (a `key` in the query is
 * refused, and recorded), unknown fields and JSON-schema keywords Gemini rejects are a 400
 * INVALID_ARGUMENT, roles must be user/model, `functionResponse` parts must sit in a `user` turn that
 * directly follows the `model` turn with the same number of `functionCall`s of those names.
 *
 * Answers are deterministic: `[<systemInstruction>] You said: <last user text>` (the system part only
 * when there is a systemInstruction), `Result of <name>: <response JSON>` after function responses,
 * and a functionCall when tools are declared and the mode is ANY, or the mode allows calls and the
 * last user text names a declared function. Usage counts words.
 *
 * `GET /v1beta/models` lists the served models (`models/<id>`), with the same key checks.
 *
 * Per-request behaviour is set with headers (send them through `UpstreamTarget.extraHeaders`).
 */
export const FAKE_GEMINI_HEADERS = {
  /** Answer with this HTTP status and Gemini's error body (400, 401, 403, 404, 429, 500, 503). */
  fail: 'x-fake-fail',
  /** With fail 429/503: a `retry-after` header with this value. */
  retryAfter: 'x-fake-retry-after',
  /** With fail 429: a google.rpc.RetryInfo detail with this retryDelay, e.g. `12.5s`. */
  retryDelay: 'x-fake-retry-delay',
  /** Finish every candidate with this finishReason (e.g. SAFETY) and no content. */
  finish: 'x-fake-finish',
  /** Block the prompt: promptFeedback.blockReason with this value, no candidates. */
  block: 'x-fake-block',
  /** Streams: drop the connection after this many events. */
  cutAfter: 'x-fake-cut-after',
  /** Report this many thoughtsTokenCount and send a thought part first. */
  thoughts: 'x-fake-thoughts',
  /** Report this cachedContentTokenCount. */
  cached: 'x-fake-cached',
  /** Wait this long before answering. */
  latencyMs: 'x-fake-latency-ms',
  /** Streams: wait this long between events. */
  chunkDelayMs: 'x-fake-chunk-delay-ms',
} as const;

export interface FakeGeminiOptions {
  readonly apiKey: string;
  /** Models served; others get 404 NOT_FOUND. Default: gemini-2.5-flash. */
  readonly models?: readonly string[];
}

export interface FakeGeminiRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface FakeGemini {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/v1beta`, the value for `UpstreamTarget.baseUrl`. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: FakeGeminiRequest[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

class InvalidArgument extends Error {}

const TOP_LEVEL = new Set([
  'contents',
  'systemInstruction',
  'tools',
  'toolConfig',
  'generationConfig',
  'safetySettings',
  'cachedContent',
]);
const PART_FIELDS = new Set([
  'text',
  'inlineData',
  'functionCall',
  'functionResponse',
  'thought',
  'thoughtSignature',
]);
const GENERATION_CONFIG = new Set([
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'stopSequences',
  'candidateCount',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'responseMimeType',
  'responseSchema',
  'thinkingConfig',
]);
const SCHEMA_KEYWORDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'properties',
  'required',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minProperties',
  'maxProperties',
  'anyOf',
  'propertyOrdering',
]);
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export async function startFakeGemini(options: FakeGeminiOptions): Promise<FakeGemini> {
  const models = options.models ?? ['gemini-2.5-flash'];
  const requests: FakeGeminiRequest[] = [];
  let responses = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (run: () => void, ms: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (piece: string) => (raw += piece));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      requests.push({
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
      });
      const latency = Number(req.headers[FAKE_GEMINI_HEADERS.latencyMs] ?? 0);
      const run = (): void => handle(req, res, url, body);
      if (latency > 0) later(run, latency);
      else run();
    });
  });

  const handle = (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown): void => {
    const route = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
    const listing = req.method === 'GET' && url.pathname === '/v1beta/models';
    if (!listing && (req.method !== 'POST' || !route))
      return sendError(res, 404, `Not found: ${url.pathname}`);
    if (url.searchParams.has('key'))
      return sendError(res, 400, 'fake: the API key must not be sent in the URL');
    const key = req.headers['x-goog-api-key'];
    if (key === undefined) {
      return sendError(
        res,
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (key !== options.apiKey) {
      return sendError(res, 400, 'API key not valid. Please pass a valid API key.', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
        },
      ]);
    }
    const forced = Number(req.headers[FAKE_GEMINI_HEADERS.fail] ?? 0);
    if (forced > 0) return forcedError(req, res, forced, String(key));
    if (!route) return listModels(res, models, url.searchParams); // only the listing has no route
    const model = decodeURIComponent(route[1] as string);
    if (!models.includes(model)) {
      return sendError(
        res,
        404,
        `models/${model} is not found for API version v1beta, or is not supported for generateContent.`,
      );
    }
    const streaming = route[2] === 'streamGenerateContent';
    if (streaming && url.searchParams.get('alt') !== 'sse') {
      return sendError(res, 400, 'fake: only alt=sse streaming is implemented');
    }
    let request: Json;
    try {
      request = validate(body);
    } catch (error) {
      if (error instanceof InvalidArgument) return sendError(res, 400, error.message);
      throw error;
    }
    responses += 1;
    const answer = plan(request, req.headers, model, `fake-resp-${responses}`);
    if (!streaming) {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(answer.whole));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const cutAfter = req.headers[FAKE_GEMINI_HEADERS.cutAfter];
    const limit = cutAfter === undefined ? Infinity : Number(cutAfter);
    const delay = Number(req.headers[FAKE_GEMINI_HEADERS.chunkDelayMs] ?? (cutAfter === undefined ? 0 : 2));
    const events = answer.events;
    let sent = 0;
    const next = (): void => {
      if (sent >= limit) {
        res.socket?.destroy();
        return;
      }
      if (sent >= events.length) {
        res.end();
        return;
      }
      res.write(`data: ${JSON.stringify(events[sent])}\r\n\r\n`);
      sent += 1;
      if (delay > 0) later(next, delay);
      else next();
    };
    next();
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseUrl: `${url}/v1beta`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * `GET /v1beta/models`: `{models: [{name: 'models/<id>', …}], nextPageToken?}`, paged by `pageSize`
 * (default 50, at most 1000) and `pageToken`; `{}` when there is nothing to list, as Google sends it.
 */
function listModels(res: ServerResponse, models: readonly string[], query: URLSearchParams): void {
  const size = Math.min(1000, Number(query.get('pageSize') ?? 50) || 50);
  const start = Number(query.get('pageToken') ?? 0) || 0;
  const page = models.slice(start, start + size).map((id) => ({
    name: `models/${id}`,
    version: '001',
    displayName: id,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  }));
  const next = start + size < models.length ? { nextPageToken: String(start + size) } : {};
  res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(page.length > 0 ? { models: page, ...next } : {}));
}

function sendError(res: ServerResponse, status: number, message: string, details?: Json[]): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(
    JSON.stringify({
      error: {
        code: status,
        message,
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
        ...(details ? { details } : {}),
      },
    }),
  );
}

function forcedError(req: IncomingMessage, res: ServerResponse, status: number, key: string): void {
  const retryAfter = req.headers[FAKE_GEMINI_HEADERS.retryAfter];
  const retryDelay = req.headers[FAKE_GEMINI_HEADERS.retryDelay];
  if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
  switch (status) {
    case 429:
      return sendError(
        res,
        429,
        'You exceeded your current quota, please check your plan and billing details.',
        retryDelay === undefined
          ? undefined
          : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: String(retryDelay) }],
      );
    case 401:
      // Echoes the key, so tests can prove the adapter redacts it.
      return sendError(res, 401, `Request had invalid authentication credentials (key ${key}).`);
    case 403:
      return sendError(res, 403, 'Permission denied: Consumer has been suspended.');
    case 500:
      return sendError(
        res,
        500,
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 503:
      return sendError(res, 503, 'The model is overloaded. Please try again later.');
    default:
      return sendError(res, status, `Request contains an invalid argument.`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation (as strict as Gemini, plus a few rules Gemini enforces in its own words)

function validate(body: unknown): Json {
  if (!isObject(body)) throw new InvalidArgument('Invalid JSON payload received.');
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL.has(key))
      throw new InvalidArgument(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`);
  }
  const contents = body['contents'];
  if (!Array.isArray(contents) || contents.length === 0)
    throw new InvalidArgument('* GenerateContentRequest.contents: contents is not specified');
  contents.forEach((content, i) => {
    if (!isObject(content)) throw new InvalidArgument(`contents[${i}] is not an object`);
    const role = content['role'];
    if (role !== 'user' && role !== 'model') {
      throw new InvalidArgument(
        `Please use a valid role: user, model. (contents[${i}].role = ${JSON.stringify(role)})`,
      );
    }
    const parts = content['parts'];
    if (!Array.isArray(parts) || parts.length === 0)
      throw new InvalidArgument(
        `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`,
      );
    parts.forEach((part, j) => validatePart(part, `contents[${i}].parts[${j}]`, role));
    const responses = parts.filter(
      (part) => isObject(part) && part['functionResponse'] !== undefined,
    ) as Json[];
    if (responses.length > 0) {
      const previous = contents[i - 1] as Json | undefined;
      const calls =
        previous && previous['role'] === 'model'
          ? (previous['parts'] as Json[]).filter((part) => part['functionCall'] !== undefined)
          : [];
      if (calls.length !== responses.length) {
        throw new InvalidArgument(
          'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
        );
      }
      const names = calls.map((part) => (part['functionCall'] as Json)['name']).sort();
      const answered = responses.map((part) => (part['functionResponse'] as Json)['name']).sort();
      if (JSON.stringify(names) !== JSON.stringify(answered))
        throw new InvalidArgument(
          'function response names do not match the function calls of the previous turn',
        );
    }
  });
  const system = body['systemInstruction'];
  if (system !== undefined) {
    if (!isObject(system) || !Array.isArray(system['parts']) || system['parts'].length === 0)
      throw new InvalidArgument('systemInstruction must have parts');
    for (const part of system['parts'] as unknown[]) {
      if (!isObject(part) || typeof part['text'] !== 'string')
        throw new InvalidArgument('systemInstruction parts must be text');
    }
  }
  const tools = body['tools'];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw new InvalidArgument('tools must be a list');
    for (const tool of tools) {
      if (!isObject(tool) || !Array.isArray(tool['functionDeclarations']))
        throw new InvalidArgument('tools[] needs functionDeclarations');
      for (const declaration of tool['functionDeclarations'] as unknown[]) {
        if (!isObject(declaration) || typeof declaration['name'] !== 'string')
          throw new InvalidArgument('function declarations need a name');
        for (const key of Object.keys(declaration)) {
          if (!['name', 'description', 'parameters'].includes(key))
            throw new InvalidArgument(
              `Invalid JSON payload received. Unknown name "${key}" at 'tools[0].function_declarations[0]'`,
            );
        }
        if (declaration['parameters'] !== undefined) validateSchema(declaration['parameters'], 'parameters');
      }
    }
  }
  const toolConfig = body['toolConfig'];
  if (toolConfig !== undefined) {
    const config = isObject(toolConfig) ? toolConfig['functionCallingConfig'] : undefined;
    if (!isObject(config) || !['AUTO', 'ANY', 'NONE'].includes(String(config['mode'])))
      throw new InvalidArgument('toolConfig.functionCallingConfig.mode must be AUTO, ANY or NONE');
    if (config['allowedFunctionNames'] !== undefined && config['mode'] !== 'ANY')
      throw new InvalidArgument('allowedFunctionNames is only allowed with mode ANY');
  }
  const generation = body['generationConfig'];
  if (generation !== undefined) {
    if (!isObject(generation)) throw new InvalidArgument('generationConfig must be an object');
    for (const key of Object.keys(generation)) {
      if (!GENERATION_CONFIG.has(key))
        throw new InvalidArgument(
          `Invalid JSON payload received. Unknown name "${key}" at 'generation_config': Cannot find field.`,
        );
    }
    if (generation['responseSchema'] !== undefined)
      validateSchema(generation['responseSchema'], 'responseSchema');
  }
  return body;
}

function validatePart(part: unknown, where: string, role: string): void {
  if (!isObject(part)) throw new InvalidArgument(`${where} is not an object`);
  const data = Object.keys(part).filter((key) => key !== 'thought' && key !== 'thoughtSignature');
  for (const key of Object.keys(part)) {
    if (!PART_FIELDS.has(key))
      throw new InvalidArgument(`Invalid JSON payload received. Unknown name "${key}" at '${where}'`);
  }
  if (data.length !== 1) throw new InvalidArgument(`${where}: a part must have exactly one data field`);
  if (part['text'] !== undefined && typeof part['text'] !== 'string')
    throw new InvalidArgument(`${where}.text must be a string`);
  if (part['inlineData'] !== undefined) {
    const inline = part['inlineData'];
    if (
      !isObject(inline) ||
      typeof inline['mimeType'] !== 'string' ||
      typeof inline['data'] !== 'string' ||
      !/^[A-Za-z0-9+/=]*$/.test(inline['data'])
    ) {
      throw new InvalidArgument(`${where}.inlineData needs mimeType and base64 data`);
    }
  }
  if (part['functionCall'] !== undefined) {
    if (role !== 'model') throw new InvalidArgument(`${where}: functionCall parts belong to model turns`);
    const call = part['functionCall'];
    if (
      !isObject(call) ||
      typeof call['name'] !== 'string' ||
      (call['args'] !== undefined && !isObject(call['args']))
    ) {
      throw new InvalidArgument(`${where}.functionCall needs a name and object args`);
    }
  }
  if (part['functionResponse'] !== undefined) {
    if (role !== 'user') throw new InvalidArgument(`${where}: functionResponse parts belong to user turns`);
    const response = part['functionResponse'];
    if (!isObject(response) || typeof response['name'] !== 'string' || !isObject(response['response'])) {
      throw new InvalidArgument(`${where}.functionResponse needs a name and an object response`);
    }
  }
}

function validateSchema(schema: unknown, where: string): void {
  if (!isObject(schema)) throw new InvalidArgument(`${where} must be a schema object`);
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_KEYWORDS.has(key))
      throw new InvalidArgument(
        `Invalid JSON payload received. Unknown name "${key}" at '${where}': Cannot find field.`,
      );
    if (key === 'type' && typeof value !== 'string')
      throw new InvalidArgument(`${where}.type must be a single type`);
    if (key === 'properties')
      for (const [name, child] of Object.entries(value as Json))
        validateSchema(child, `${where}.properties.${name}`);
    if (key === 'items') validateSchema(value, `${where}.items`);
    if (key === 'anyOf')
      (value as unknown[]).forEach((child, i) => validateSchema(child, `${where}.anyOf[${i}]`));
    if (key === 'enum' && !(Array.isArray(value) && value.every((item) => typeof item === 'string')))
      throw new InvalidArgument(`${where}.enum must list strings`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Answers

interface Answer {
  readonly whole: Json;
  readonly events: Json[];
}

function plan(request: Json, headers: IncomingMessage['headers'], model: string, responseId: string): Answer {
  const contents = request['contents'] as Json[];
  const last = contents[contents.length - 1] as Json;
  const lastParts = last['parts'] as Json[];
  const generation = (request['generationConfig'] ?? {}) as Json;
  const promptTokens = words(JSON.stringify([request['systemInstruction'] ?? null, contents]));
  const thoughts =
    headers[FAKE_GEMINI_HEADERS.thoughts] === undefined
      ? undefined
      : Number(headers[FAKE_GEMINI_HEADERS.thoughts]);
  const cached =
    headers[FAKE_GEMINI_HEADERS.cached] === undefined
      ? undefined
      : Number(headers[FAKE_GEMINI_HEADERS.cached]);
  const usage = (completion: number): Json => ({
    promptTokenCount: promptTokens,
    candidatesTokenCount: completion,
    totalTokenCount: promptTokens + completion + (thoughts ?? 0),
    ...(thoughts === undefined ? {} : { thoughtsTokenCount: thoughts }),
    ...(cached === undefined ? {} : { cachedContentTokenCount: cached }),
  });
  const envelope = (extra: Json): Json => ({ ...extra, modelVersion: model, responseId });

  const block = headers[FAKE_GEMINI_HEADERS.block];
  if (block !== undefined) {
    const whole = envelope({
      promptFeedback: { blockReason: String(block) },
      usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
    });
    return { whole, events: [whole] };
  }

  const count = typeof generation['candidateCount'] === 'number' ? generation['candidateCount'] : 1;
  const forcedFinish = headers[FAKE_GEMINI_HEADERS.finish];
  const call = functionCallFor(request, last);
  if (call) {
    const whole = envelope({
      candidates: [
        { content: { role: 'model', parts: [{ functionCall: call }] }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: usage(words(JSON.stringify(call))),
    });
    return { whole, events: [whole] };
  }

  const system = request['systemInstruction'] as Json | undefined;
  const systemText = system ? (system['parts'] as Json[]).map((part) => String(part['text'])).join(' ') : '';
  const responses = lastParts
    .filter((part) => part['functionResponse'] !== undefined)
    .map((part) => part['functionResponse'] as Json);
  const base =
    responses.length > 0
      ? responses
          .map((response) => `Result of ${String(response['name'])}: ${JSON.stringify(response['response'])}`)
          .join(' ')
      : `${systemText ? `[${systemText}] ` : ''}You said: ${lastParts.map((part) => (typeof part['text'] === 'string' ? part['text'] : part['inlineData'] ? '<image>' : '')).join(' ')}`;

  const texts: Array<{ text: string; finish: string }> = [];
  for (let i = 0; i < count; i += 1) texts.push(shape(i === 0 ? base : `${base} #${i}`, generation));
  const thoughtPart = thoughts === undefined ? [] : [{ text: 'Thinking about it.', thought: true }];

  if (forcedFinish !== undefined) {
    const candidates = texts.map((_, index) => ({
      finishReason: String(forcedFinish),
      index,
      safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
    }));
    const whole = envelope({ candidates, usageMetadata: usage(0) });
    const first = envelope({
      candidates: texts.map((t, index) => ({
        content: { role: 'model', parts: [{ text: t.text.split(' ')[0] }] },
        index,
      })),
      usageMetadata: { promptTokenCount: promptTokens },
    });
    return { whole, events: [first, whole] };
  }

  const completionTokens = texts.reduce((sum, t) => sum + words(t.text), 0);
  const whole = envelope({
    candidates: texts.map((t, index) => ({
      content: { role: 'model', parts: [...thoughtPart, { text: t.text }] },
      finishReason: t.finish,
      index,
    })),
    usageMetadata: usage(completionTokens),
  });
  // Streams: two words per event; interleaved candidates; the last event of each carries its finishReason.
  const pieces = texts.map((t) => piecesOf(t.text));
  const longest = Math.max(...pieces.map((p) => p.length));
  const events: Json[] = [];
  for (let e = 0; e < longest; e += 1) {
    const candidates: Json[] = [];
    pieces.forEach((candidatePieces, index) => {
      const piece = candidatePieces[e];
      if (piece === undefined) return;
      const parts = e === 0 ? [...thoughtPart, { text: piece }] : [{ text: piece }];
      const done = e === candidatePieces.length - 1;
      candidates.push({
        content: { role: 'model', parts },
        ...(done ? { finishReason: texts[index]?.finish } : {}),
        index,
      });
    });
    const final = e === longest - 1;
    events.push(
      envelope({
        candidates,
        usageMetadata: final ? usage(completionTokens) : { promptTokenCount: promptTokens },
      }),
    );
  }
  return { whole, events };
}

function functionCallFor(request: Json, last: Json): Json | undefined {
  const tools = request['tools'] as Json[] | undefined;
  if (!tools || last['role'] !== 'user') return undefined;
  const parts = last['parts'] as Json[];
  if (parts.some((part) => part['functionResponse'] !== undefined)) return undefined;
  const declarations = tools.flatMap((tool) => tool['functionDeclarations'] as Json[]);
  const config = ((request['toolConfig'] as Json | undefined)?.['functionCallingConfig'] ?? {
    mode: 'AUTO',
  }) as Json;
  if (config['mode'] === 'NONE') return undefined;
  const text = parts.map((part) => (typeof part['text'] === 'string' ? part['text'] : '')).join(' ');
  const allowed = config['allowedFunctionNames'] as string[] | undefined;
  const chosen =
    config['mode'] === 'ANY'
      ? declarations.find((d) => !allowed || allowed.includes(String(d['name'])))
      : declarations.find((d) => text.includes(String(d['name'])));
  if (!chosen) return undefined;
  return { name: chosen['name'], args: sampleArgs(chosen['parameters'] as Json | undefined) };
}

function sampleArgs(schema: Json | undefined): Json {
  const args: Json = {};
  const properties = (schema?.['properties'] ?? {}) as Record<string, Json>;
  for (const name of (schema?.['required'] ?? []) as string[]) {
    const type = properties[name]?.['type'];
    const values = properties[name]?.['enum'] as string[] | undefined;
    args[name] = values
      ? values[0]
      : type === 'number' || type === 'integer'
        ? 1
        : type === 'boolean'
          ? true
          : 'Paris';
  }
  return args;
}

/** Applies stopSequences (finish STOP) and maxOutputTokens in words (finish MAX_TOKENS). */
function shape(text: string, generation: Json): { text: string; finish: string } {
  let out = text;
  for (const stop of (generation['stopSequences'] ?? []) as string[]) {
    const at = out.indexOf(stop);
    if (at !== -1) out = out.slice(0, at);
  }
  const max = generation['maxOutputTokens'];
  const tokens = out.split(' ');
  if (typeof max === 'number' && tokens.length > max)
    return { text: tokens.slice(0, max).join(' '), finish: 'MAX_TOKENS' };
  return { text: out, finish: 'STOP' };
}

function piecesOf(text: string): string[] {
  const tokens = text.split(' ');
  const pieces: string[] = [];
  for (let i = 0; i < tokens.length; i += 2)
    pieces.push((i === 0 ? '' : ' ') + tokens.slice(i, i + 2).join(' '));
  return pieces;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
