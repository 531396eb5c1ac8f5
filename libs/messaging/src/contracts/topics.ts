/** The topics the relay publishes to. Auto-creation is off on the broker: `ensureTopics` creates them. */
export const TOPICS = {
  usage: 'switchyard.usage.v1',
  routing: 'switchyard.routing.v1',
  keys: 'switchyard.keys.v1',
  providers: 'switchyard.providers.v1',
  /** What the relay could not publish (too large, or not serializable): a notice per event, never its data. */
  deadLetter: 'switchyard.deadletter.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);
