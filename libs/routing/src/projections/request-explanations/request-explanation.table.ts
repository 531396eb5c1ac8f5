export const REQUEST_EXPLANATIONS_TABLE = 'request_explanations';

/** The row as stored: the explanation as JSON, with the columns queries filter on. */
export interface RequestExplanationDbRow {
  request_id: string;
  user_id: string;
  explanation: unknown;
  last_commit: string | number;
  last_prepare: string | number;
}
