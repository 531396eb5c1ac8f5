import { randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** Stream ids are `category-id`; the category never contains a dash (EventStoreDB splits at the first). */
export const streamId = (category: string, id: string): string => {
  if (category.includes('-')) throw new Error(`Stream category must not contain '-': ${category}`);
  return `${category}-${id}`;
};

export const categoryOf = (stream: string): string => stream.slice(0, stream.indexOf('-'));
