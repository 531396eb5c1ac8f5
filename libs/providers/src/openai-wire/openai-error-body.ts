/**
 * The error body of every OpenAI endpoint: `{"error":{"message","type","param","code"}}`. Every
 * OpenAI client library parses this shape, so the gateway's `/v1` surface answers with it too.
 */
export interface OpenAiErrorBody {
  error: OpenAiErrorDetail;
}

export interface OpenAiErrorDetail {
  message: string;
  /** e.g. invalid_request_error, authentication_error, rate_limit_error, server_error. */
  type: string;
  /** The request field at fault, e.g. `messages[0].role`, or null. */
  param: string | null;
  /** A machine-readable code, e.g. invalid_api_key, model_not_found, rate_limit_exceeded, or null. */
  code: string | null;
}

/** `GET /v1/models`. */
export interface ModelList {
  object: 'list';
  data: ModelObject[];
}

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}
