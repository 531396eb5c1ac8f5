/**
 * The subset of Cohere's Chat API v2 (`POST {base}/chat`, base like `https://api.cohere.com/v2`)
 * that the adapter sends and reads. Field names are Cohere's.
 */

export type CohereRole = 'system' | 'user' | 'assistant' | 'tool';

export interface CohereTextPart {
  type: 'text';
  text: string;
}

export interface CohereImagePart {
  type: 'image_url';
  image_url: { url: string };
}

export type CohereContentPart = CohereTextPart | CohereImagePart;

export interface CohereToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface CohereMessage {
  role: CohereRole;
  content?: string | CohereContentPart[];
  tool_calls?: CohereToolCall[];
  tool_plan?: string;
  tool_call_id?: string;
}

export interface CohereTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface CohereChatRequest {
  model: string;
  messages: CohereMessage[];
  stream: boolean;
  tools?: CohereTool[];
  tool_choice?: 'REQUIRED' | 'NONE';
  max_tokens?: number;
  temperature?: number;
  p?: number;
  stop_sequences?: string[];
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  response_format?: { type: 'json_object'; json_schema?: Record<string, unknown> };
  /** Cohere-only options a client may send as vendor extensions (see COHERE_PASSTHROUGH_FIELDS). */
  [extra: string]: unknown;
}

export type CohereFinishReason =
  'COMPLETE' | 'STOP_SEQUENCE' | 'MAX_TOKENS' | 'TOOL_CALL' | 'ERROR' | 'TIMEOUT';

export interface CohereTokenCounts {
  input_tokens?: number;
  output_tokens?: number;
}

export interface CohereUsage {
  billed_units?: CohereTokenCounts;
  tokens?: CohereTokenCounts;
}

/** A response content part; `thinking` parts of reasoning models are not text and are skipped. */
export interface CohereResponseContentPart {
  type: string;
  text?: string;
}

export interface CohereChatResponse {
  id: string;
  finish_reason: CohereFinishReason | string;
  message: {
    role: 'assistant';
    content?: CohereResponseContentPart[];
    tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>;
    tool_plan?: string;
  };
  usage?: CohereUsage;
}

/** One streamed event (`data:` of the SSE stream); `type` says which. */
export interface CohereStreamEvent {
  type?: string;
  id?: string;
  index?: number;
  delta?: {
    error?: string;
    finish_reason?: CohereFinishReason | string;
    usage?: CohereUsage;
    message?: {
      role?: string;
      tool_plan?: string;
      content?: { type?: string; text?: string };
      tool_calls?: { id?: string; type?: string; function?: { name?: string; arguments?: string } };
    };
  };
}
