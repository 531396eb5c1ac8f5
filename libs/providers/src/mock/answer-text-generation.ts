import type { SeededRandom } from './seeded-random';

/** What the generated answer is about. */
export interface AnswerContext {
  /** The last user message as text. */
  readonly question: string;
  /** The content of tool results that follow the last assistant tool call, if the answer reacts to them. */
  readonly toolResult?: string;
}

const STOP_WORDS = new Set(
  (
    'about above after again against also although among another anyone anything around because been before being below ' +
    'between both could does doing down during each either else every from further have having here hers herself himself ' +
    'into itself just like more most much myself neither once only other ought ours ourselves over please same shall should ' +
    'some such than that their theirs them themselves then there these they this those through under until very want what ' +
    'when where which while whom whose will with within without would your yours yourself yourselves explain tell give ' +
    'write make show describe summarize briefly short simple answer question know think need using reduce reduces ' +
    'increase increases improve improves work works help helps does make makes take takes happen happens mean means ' +
    'capital difference different good better best thing things really much many hello there thanks thank greetings'
  ).split(' '),
);

const OPENERS = [
  'Here is a short overview of {topic}.',
  'Good question about {topic}.',
  'Let me explain {topic} briefly.',
  'In a nutshell, {topic} comes down to a few key ideas.',
  'There are a few things worth knowing about {topic}.',
];

const LEADS = [
  '',
  '',
  'In practice, ',
  'Generally, ',
  'As a rule, ',
  'Most of the time, ',
  'For many teams, ',
  'Importantly, ',
];

const SUBJECTS = [
  '{word}',
  'a careful approach to {word}',
  'the main idea behind {word}',
  'good {word}',
  'this approach',
  'the underlying system',
  'a simple baseline',
];

const VERBS = [
  'depends on',
  'relies on',
  'improves',
  'balances',
  'reduces',
  'is shaped by',
  'works best with',
  'benefits from',
  'trades off',
];

const OBJECTS = [
  'clear measurements',
  'latency and cost',
  'the quality of the input',
  'a well defined scope',
  'consistent feedback',
  'the constraints you set',
  'small, testable steps',
  'how {word} is used',
];

const TAILS = [
  '',
  '',
  ' over time',
  ' in most cases',
  ' when it matters most',
  ' at scale',
  ' for everyday use',
];

const CLOSERS = [
  'Let me know if you want more detail on {word}.',
  'In short, {word} rewards a careful, step by step approach.',
  'Start small, measure, and adjust as you learn more about {word}.',
  '',
];

/** The significant words of a text: 4+ letters, not a stop word, first occurrence order, at most `limit`. */
export function keywordsOf(text: string, limit = 3): string[] {
  const words: string[] = [];
  for (const word of wordsOf(text)) {
    if (!isKeyword(word) || words.includes(word)) continue;
    words.push(word);
    if (words.length === limit) break;
  }
  return words;
}

/** The first two adjacent keywords ("connection pooling"), else the first keyword, else undefined. */
export function topicOf(text: string): string | undefined {
  const words = wordsOf(text);
  for (let i = 0; i + 1 < words.length; i += 1) {
    const [a, b] = [words[i] ?? '', words[i + 1] ?? ''];
    if (isKeyword(a) && isKeyword(b)) return `${a} ${b}`;
  }
  return words.find(isKeyword);
}

function wordsOf(text: string): string[] {
  return [...text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu)].map((m) =>
    m[0].toLowerCase().replace(/'s$/, ''),
  );
}

function isKeyword(word: string): boolean {
  return word.length >= 4 && !STOP_WORDS.has(word);
}

/**
 * A few plausible sentences about the question's keywords. Every choice comes from `random`, so the
 * same seed gives the same text; the caller decides how the seed varies (temperature, seed).
 */
export function generateAnswer(context: AnswerContext, random: SeededRandom): string {
  const keywords = keywordsOf(context.question);
  const topic = topicOf(context.question) ?? 'this topic';
  const word = (): string => (keywords.length > 0 ? random.pick(keywords) : 'it');
  const fill = (template: string): string =>
    template.replaceAll('{topic}', topic).replaceAll('{word}', word());

  const sentences: string[] = [];
  if (context.toolResult !== undefined) {
    const snippet = context.toolResult.replace(/\s+/g, ' ').trim().slice(0, 80);
    sentences.push(`Based on the tool result (${snippet}), here is what I found.`);
  } else {
    sentences.push(fill(random.pick(OPENERS)));
  }
  const bodyCount = random.between(2, 4);
  for (let i = 0; i < bodyCount; i += 1) {
    const lead = random.pick(LEADS);
    const subject = fill(random.pick(SUBJECTS));
    const sentence = `${subject} ${random.pick(VERBS)} ${fill(random.pick(OBJECTS))}${random.pick(TAILS)}.`;
    sentences.push(lead ? `${lead}${sentence}` : capitalize(sentence));
  }
  const closer = fill(random.pick(CLOSERS));
  if (closer) sentences.push(closer);
  return sentences.join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
