#!/usr/bin/env node
// CPU µs per chat-body validation, old path (class-validator + chat-request-shape.ts) against the compiled
// schema's fast path (validateChatRequest), for the load bench's body and a 20-message body with tools.
// Pure CPU, one process; run `node scripts/build.mjs` first. BENCH_ITERATIONS sets the loop length.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
require('reflect-metadata');
const chat = (file) => require(path.join(root, 'dist/apps/gateway/src/chat', file));
const { validateChatRequest, validateChatRequestByRules } = chat('validate-chat-request.js');
const { matchesChatRequestSchema } = chat('chat-request-schema.js');
const { chatRequestShapeProblem } = chat('chat-request-shape.js');

const ITERATIONS = Number(process.env.BENCH_ITERATIONS || 100_000);

/** scripts/bench/run.mjs's body. */
const benchBody = {
  model: 'mock-swift/swift-mini',
  messages: [{ role: 'user', content: 'Hello' }],
  max_tokens: 16,
};

const tools = ['search', 'weather', 'calendar', 'email'].map((name) => ({
  type: 'function',
  function: {
    name,
    description: `Calls ${name}`,
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
}));
const messages = [{ role: 'system', content: 'You are a helpful assistant. Answer briefly.' }];
for (let i = 1; messages.length < 20; i++) {
  const call = {
    id: `call_${i}`,
    type: 'function',
    function: { name: 'search', arguments: '{"query":"rail"}' },
  };
  if (i % 4 === 1)
    messages.push({ role: 'user', content: [{ type: 'text', text: `Question ${i} about rail yards?` }] });
  else if (i % 4 === 2) messages.push({ role: 'assistant', content: null, tool_calls: [call] });
  else if (i % 4 === 3)
    messages.push({ role: 'tool', tool_call_id: `call_${i - 1}`, content: '{"results":[1,2,3]}' });
  else messages.push({ role: 'assistant', content: 'Here is what I found about rail yards.' });
}
const toolsBody = {
  model: 'auto',
  messages,
  tools,
  tool_choice: 'auto',
  temperature: 0.7,
  max_tokens: 512,
  stream: true,
  stream_options: { include_usage: true },
};

/**
 * CPU µs per call over ITERATIONS calls, each on its own parsed copy of `body` (as each request has).
 * CPU time (process.cpuUsage), not wall time: on a shared box the wall clock also counts waiting.
 */
function measure(fn, body) {
  const text = JSON.stringify(body);
  const copies = Array.from({ length: 1_000 }, () => JSON.parse(text));
  for (let i = 0; i < 20_000; i++) fn(copies[i % copies.length]);
  const started = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) fn(copies[i % copies.length]);
  const { user, system } = process.cpuUsage(started);
  return (user + system) / ITERATIONS;
}

const rows = [];
for (const [name, body] of [
  ['bench body', benchBody],
  ['20 messages + 4 tools', toolsBody],
]) {
  if (!matchesChatRequestSchema(body)) throw new Error(`the compiled schema refuses the ${name}`);
  rows.push({
    body: name,
    'old path µs': measure(validateChatRequestByRules, body).toFixed(2),
    'new path µs': measure(validateChatRequest, body).toFixed(2),
    'compiled check µs': measure(matchesChatRequestSchema, body).toFixed(2),
    'shape check µs': measure(chatRequestShapeProblem, body).toFixed(2),
  });
}
console.table(rows);
