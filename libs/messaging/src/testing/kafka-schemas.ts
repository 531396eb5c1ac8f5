import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DEAD_LETTER_SCHEMA, DEAD_LETTER_TYPE } from '../contracts/dead-letter';
import { EVENT_MAPPINGS, type EventMapping } from '../contracts/event-mapping';
import { TOPICS } from '../contracts/topics';
import type { OutgoingMessage } from '../contracts/envelope';

/** docs/kafka: the JSON Schemas of the Kafka messages (draft 2020-12). */
export const KAFKA_SCHEMA_DIR = path.resolve(__dirname, '../../../../docs/kafka');
export const ENVELOPE_SCHEMA = 'envelope.schema.json';

export interface KafkaSchemas {
  /** Problems with one message (empty: it validates). Takes the value as JSON text, as on the wire. */
  check(message: { topic: string; key: string | null; value: string }): string[];
  /** Problems of one `data` object against a schema file. */
  checkData(schemaFile: string, data: unknown): string[];
  readonly files: readonly string[];
}

const describe = (validate: ValidateFunction): string[] =>
  (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`,
  );

/**
 * Loads every schema of docs/kafka into ajv (strict mode, formats) and checks messages against the
 * envelope schema and the schema of their type (from EVENT_MAPPINGS): topic and key included.
 */
export function loadKafkaSchemas(
  dir: string = KAFKA_SCHEMA_DIR,
  mappings: Readonly<Record<string, EventMapping>> = EVENT_MAPPINGS,
): KafkaSchemas {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
  const validators = new Map<string, ValidateFunction>();
  for (const file of files) {
    const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    validators.set(file, ajv.compile(schema));
  }
  const checkData = (schemaFile: string, data: unknown): string[] => {
    const validate = validators.get(schemaFile);
    if (!validate) return [`no schema file docs/kafka/${schemaFile}`];
    return validate(data) ? [] : describe(validate).map((e) => `${schemaFile}: ${e}`);
  };
  return {
    files,
    checkData,
    check({ topic, key, value }) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return ['value is not JSON'];
      }
      const problems = checkData(ENVELOPE_SCHEMA, parsed);
      if (problems.length > 0) return problems;
      const envelope = parsed as { type: string; userId: string | null; data: unknown };
      if (envelope.type === DEAD_LETTER_TYPE) {
        // A notice in an event's place: on the dead-letter topic, under the event's own key.
        if (topic !== TOPICS.deadLetter)
          problems.push(`type ${envelope.type} belongs on ${TOPICS.deadLetter}, not ${topic}`);
        if (!key) problems.push('a dead-letter notice has no key');
        return [...problems, ...checkData(DEAD_LETTER_SCHEMA, envelope.data)];
      }
      const mapping = Object.prototype.hasOwnProperty.call(mappings, envelope.type)
        ? mappings[envelope.type]
        : undefined;
      if (!mapping) return [`type ${envelope.type} is not a published type`];
      if (mapping.topic !== topic)
        problems.push(`type ${envelope.type} belongs on ${mapping.topic}, not ${topic}`);
      const expectedKey = mapping.key
        ? mapping.key(envelope.data as Record<string, unknown>)
        : envelope.userId;
      if (key !== expectedKey) problems.push(`key ${String(key)} is not ${String(expectedKey)}`);
      return [...problems, ...checkData(mapping.schema, envelope.data)];
    },
  };
}

/** The wire form of an outgoing message, for `check`. */
export const onTheWire = (m: OutgoingMessage): { topic: string; key: string; value: string } => ({
  topic: m.topic,
  key: m.key,
  value: JSON.stringify(m.value),
});
