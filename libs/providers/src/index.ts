export * from './openai-wire';
export * from './upstream-error';
export * from './upstream-provider.port';
export {
  OpenAICompatibleProvider,
  type OpenAICompatibleProviderOptions,
} from './openai-compatible/openai-compatible.provider';
export { SseDataParser } from './openai-compatible/sse-data-parser';
export {
  startMockProvider,
  MOCK_HEADERS,
  type MockProvider,
  type MockProviderOptions,
  type MockProviderStats,
} from './mock/start-mock-provider';
export { countPromptTokens, countTextTokens } from './mock/token-counting';
export { AnthropicProvider, type AnthropicProviderOptions } from './anthropic/anthropic.provider';
export { CohereProvider, type CohereProviderOptions } from './cohere/cohere.provider';
export { GeminiProvider, type GeminiProviderOptions } from './gemini/gemini.provider';
