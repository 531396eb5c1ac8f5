/**
 * The request body of `POST /v1/chat/completions` as OpenAI defines it: what API clients send to the
 * gateway and what the gateway sends to every OpenAI-compatible upstream.
 *
 * Fields not typed here are kept by the index signature, but each wire format sends only the
 * parameters it knows (`WireFormat.knownParams`; for the OpenAI-compatible family OPENAI_CHAT_PARAMS),
 * so a vendor extension such as `top_k` reaches only the adapters that map it.
 */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: StreamOptions | null;
  /** How many choices to generate (1..128). */
  n?: number | null;
  /** Up to 4 sequences where the model stops; the sequence itself is not returned. */
  stop?: string | string[] | null;
  /** Deprecated by OpenAI in favour of max_completion_tokens; both are still sent by clients. */
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  seed?: number | null;
  user?: string;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high' | null;
  service_tier?: string | null;
  store?: boolean | null;
  metadata?: Record<string, string> | null;
  /** Other documented parameters and vendor extensions; see `WireFormat.knownParams`. */
  [extra: string]: unknown;
}

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export type ChatMessage = SystemMessage | DeveloperMessage | UserMessage | AssistantMessage | ToolMessage;

export interface SystemMessage {
  role: 'system';
  content: string | TextContentPart[];
  name?: string;
}

export interface DeveloperMessage {
  role: 'developer';
  content: string | TextContentPart[];
  name?: string;
}

export interface UserMessage {
  role: 'user';
  content: string | UserContentPart[];
  name?: string;
}

/** An earlier assistant turn sent back as history; `content` is null when it only called tools. */
export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextContentPart[] | null;
  name?: string;
  refusal?: string | null;
  tool_calls?: ToolCall[];
}

/** The result of a tool call, answering the assistant's `tool_calls[].id`. */
export interface ToolMessage {
  role: 'tool';
  content: string | TextContentPart[];
  tool_call_id: string;
}

export interface TextContentPart {
  type: 'text';
  text: string;
}

export interface ImageUrlContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type UserContentPart = TextContentPart | ImageUrlContentPart;

export interface ToolCall {
  id: string;
  type: 'function';
  /** `arguments` is a JSON text produced by the model; it may be invalid JSON. */
  function: { name: string; arguments: string };
}

export interface FunctionTool {
  type: 'function';
  function: FunctionDefinition;
}

export interface FunctionDefinition {
  /** ^[a-zA-Z0-9_-]{1,64}$ */
  name: string;
  description?: string;
  parameters?: JsonSchema;
  strict?: boolean | null;
}

export type ToolChoice = 'none' | 'auto' | 'required' | NamedToolChoice;

export interface NamedToolChoice {
  type: 'function';
  function: { name: string };
}

export type ResponseFormat =
  { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; json_schema: JsonSchemaFormat };

export interface JsonSchemaFormat {
  name: string;
  description?: string;
  schema?: JsonSchema;
  strict?: boolean | null;
}

export interface StreamOptions {
  /** When true the stream ends with one extra chunk whose `choices` is empty and whose `usage` is set. */
  include_usage?: boolean;
  [extra: string]: unknown;
}

/** The subset of JSON Schema that tools and structured outputs use; other keywords pass through. */
export interface JsonSchema {
  type?: JsonSchemaType | JsonSchemaType[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: ReadonlyArray<string | number | boolean | null>;
  const?: string | number | boolean | null;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
}

export type JsonSchemaType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
