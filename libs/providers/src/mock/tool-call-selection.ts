import type { ChatCompletionRequest, FunctionDefinition } from '../openai-wire';

/**
 * Which functions the mock calls, given `tools` and `tool_choice` (default 'auto'):
 * - 'none' or no tools: none.
 * - `{type:'function', function:{name}}`: that function.
 * - 'auto': only when the last message is a user message (after a tool result the mock answers in
 *   text), the functions that the message mentions: a function is mentioned when a word of its name
 *   (split at `_`, `-`, `.` and camelCase) with 4 or more letters appears in the message, case-insensitive.
 *   `get_weather` is called for "What's the weather in Paris?".
 * - 'required': the mentioned functions, or the first function when none is mentioned.
 * With `parallel_tool_calls: false` at most one function is called.
 */
export function selectToolCalls(request: ChatCompletionRequest, lastUserText: string): FunctionDefinition[] {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return [];
  if (typeof choice === 'object') {
    const named = tools.find((tool) => tool.function.name === choice.function.name);
    return named ? [named.function] : [];
  }
  const lastIsUser = request.messages[request.messages.length - 1]?.role === 'user';
  const mentioned =
    choice === 'required' || lastIsUser
      ? mentionedFunctions(
          tools.map((t) => t.function),
          lastUserText,
        )
      : [];
  const selected =
    mentioned.length > 0 || choice !== 'required' ? mentioned : tools.slice(0, 1).map((t) => t.function);
  return request.parallel_tool_calls === false ? selected.slice(0, 1) : selected;
}

function mentionedFunctions(functions: readonly FunctionDefinition[], text: string): FunctionDefinition[] {
  const words = new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  return functions.filter((fn) => nameWords(fn.name).some((word) => words.has(word)));
}

/** `getCurrentWeather` and `get_current_weather` → ['current', 'weather']. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 4);
}
