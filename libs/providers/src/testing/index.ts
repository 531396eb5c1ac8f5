/** Local fake servers that speak each vendor's wire format, for tests of the gateway end to end. */
export {
  startFakeAnthropicServer,
  type FakeAnthropicServer,
} from '../anthropic/testing/fake-anthropic-server';
export { startFakeGemini, type FakeGemini } from '../gemini/testing/fake-gemini-server';
export { startFakeCohereServer, type FakeCohereServer } from '../cohere/testing/fake-cohere-server';
