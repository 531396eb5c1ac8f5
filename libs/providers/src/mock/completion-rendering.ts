import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionDelta,
} from '../openai-wire';
import type { CompletionPlan, PlannedChoice } from './completion-plan';
import type { SeededRandom } from './seeded-random';

export const SYSTEM_FINGERPRINT = 'fp_mock0001';

/** The non-streamed answer, field for field as OpenAI sends it. */
export function renderCompletion(plan: CompletionPlan): ChatCompletion {
  return {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: plan.choices.map((choice) => ({
      index: choice.index,
      message: {
        role: 'assistant',
        content: choice.content,
        refusal: null,
        ...(choice.toolCalls.length > 0 ? { tool_calls: [...choice.toolCalls] } : {}),
        annotations: [],
      },
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: plan.usage,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * The chunks of a streamed answer, in OpenAI's order: per choice a role delta (with content '' or
 * the first tool call's header), content deltas of 1-3 words (or argument fragments), one chunk with
 * the finish_reason; choices interleaved round-robin; with `includeUsage` every chunk has
 * `usage: null` and a last chunk has `choices: []` and the usage. `[DONE]` is the caller's.
 */
export function renderStreamChunks(
  plan: CompletionPlan,
  includeUsage: boolean,
  random: SeededRandom,
): ChatCompletionChunk[] {
  const chunks = interleavedDeltas(plan, random).map((entry) =>
    chunk(plan, [entry], includeUsage ? null : undefined),
  );
  if (includeUsage) chunks.push(chunk(plan, [], plan.usage));
  return chunks;
}

/**
 * The same chunks as `renderStreamChunks`, already framed as SSE events (`data: …\n\n`) and ending
 * with `data: [DONE]`. The fields shared by every chunk are serialised once.
 */
export function renderStreamEvents(
  plan: CompletionPlan,
  includeUsage: boolean,
  random: SeededRandom,
): string[] {
  const head = JSON.stringify(chunk(plan, [])).slice(0, -2); // cut `]}`: ends just inside `"choices":[`
  const tail = includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  const events = interleavedDeltas(plan, random).map(
    (entry) => `data: ${head}${JSON.stringify(entry)}${tail}`,
  );
  if (includeUsage) events.push(`data: ${JSON.stringify(chunk(plan, [], plan.usage))}\n\n`);
  events.push('data: [DONE]\n\n');
  return events;
}

function interleavedDeltas(plan: CompletionPlan, random: SeededRandom): ChatCompletionChunkChoice[] {
  const perChoice = plan.choices.map((choice) => choiceDeltas(choice, random));
  if (perChoice.length === 1) return perChoice[0] ?? [];
  const out: ChatCompletionChunkChoice[] = [];
  for (let step = 0; perChoice.some((deltas) => step < deltas.length); step += 1) {
    for (const deltas of perChoice) {
      const entry = deltas[step];
      if (entry) out.push(entry);
    }
  }
  return out;
}

function chunk(
  plan: CompletionPlan,
  choices: ChatCompletionChunkChoice[],
  usage?: ChatCompletionChunk['usage'],
): ChatCompletionChunk {
  const out: ChatCompletionChunk = {
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
  };
  if (usage !== undefined) out.usage = usage;
  return out;
}

function choiceDeltas(choice: PlannedChoice, random: SeededRandom): ChatCompletionChunkChoice[] {
  const entry = (
    delta: ChatCompletionDelta,
    finish: PlannedChoice['finishReason'] | null = null,
  ): ChatCompletionChunkChoice => ({
    index: choice.index,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const out: ChatCompletionChunkChoice[] = [];
  if (choice.toolCalls.length > 0) {
    choice.toolCalls.forEach((call, callIndex) => {
      const header = {
        index: callIndex,
        id: call.id,
        type: 'function' as const,
        function: { name: call.function.name, arguments: '' },
      };
      out.push(
        entry(
          callIndex === 0
            ? { role: 'assistant', content: null, tool_calls: [header], refusal: null }
            : { tool_calls: [header] },
        ),
      );
      for (const piece of splitArguments(call.function.arguments, random)) {
        out.push(entry({ tool_calls: [{ index: callIndex, function: { arguments: piece } }] }));
      }
    });
  } else {
    out.push(entry({ role: 'assistant', content: '', refusal: null }));
    for (const piece of splitWords(choice.content ?? '', random)) out.push(entry({ content: piece }));
  }
  out.push(entry({}, choice.finishReason));
  return out;
}

/** Pieces of 1-3 words, each with its leading whitespace, that join back to the text exactly. */
export function splitWords(text: string, random: SeededRandom): string[] {
  const words = text.match(/\s*\S+|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length;) {
    const take = random.between(1, 3);
    pieces.push(words.slice(i, i + take).join(''));
    i += take;
  }
  return pieces;
}

/** Fragments of 4-12 characters, never splitting a surrogate pair, that join back exactly. */
export function splitArguments(text: string, random: SeededRandom): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + random.between(4, 12));
    const code = text.charCodeAt(end);
    if (end < text.length && code >= 0xdc00 && code <= 0xdfff) end += 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
