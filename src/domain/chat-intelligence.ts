/**
 * Reading a live show's chat for the host: which lines are buyer questions (the question
 * radar), which FAQ already answers one, and the room's mood over the last minute. Pure: rules
 * and arithmetic over text, time passed in. Rules rather than a model, because they run on
 * every chat line at crowd rates and their mistakes can be read and fixed.
 */
import Sentiment from 'sentiment';

// ---------------------------------------------------------------------------------------------
// Question radar

export const BUYER_TOPICS = [
  'size',
  'price',
  'shipping',
  'returns',
  'availability',
  'material',
  'color',
  'variants',
] as const;
export type BuyerTopic = (typeof BUYER_TOPICS)[number];

/** A whole-word pattern from alternatives (each may itself be a small regex). */
const anyOf = (alternatives: readonly string[]) => new RegExp(`\\b(${alternatives.join('|')})\\b`);

// biome-ignore format: word lists read better packed
const TOPIC_PATTERNS: Readonly<Record<BuyerTopic, RegExp>> = {
  size: anyOf([
    'sizes?', 'sizing', 'fits?', 'fitting', 'true to size', 'tts', 'runs? (small|big|large)', 'small',
    'medium', 'large', 'x{1,3}[sl]', '[2-4]xl', 'petite', 'plus size', 'measurements?', 'length', 'inseam',
    'waist', 'chest', 'bust', 'width', 'dimensions?', 'how big',
  ]),
  // Currency signs are not word characters, so they sit outside the \b group.
  price: new RegExp(`[$€£]|${anyOf([
    'prices?', 'pricing', 'costs?', 'how much', 'discounts?', 'coupons?', 'promo', 'codes?', 'deals?',
    'on sale', 'cheaper', 'expensive', 'dollars?', 'bucks', 'afterpay', 'klarna', 'installments?',
  ]).source}`),
  shipping: anyOf([
    'ships?', 'shipping', 'shipped', 'deliver(s|y|ed)?', 'arrive', 'arrival', 'postage', 'international(ly)?',
    'overseas', 'worldwide', 'tracking', 'dispatch', 'courier',
  ]),
  returns: anyOf(['returns?', 'returnable', 'refunds?', 'exchanges?', 'warranty', 'guarantee']),
  availability: anyOf([
    'available', 'availability', 'in stock', 'stock', 'sold out', 'restock(ed|ing)?', 'left', 'still have',
    'any ?more', 'back in', 'pre-?order',
  ]),
  material: anyOf([
    'materials?', 'made (of|from|with)', 'fabrics?', 'cotton', 'leather', 'wool', 'silk', 'polyester',
    'linen', 'denim', 'cashmere', 'vegan', 'waterproof', 'washable', 'machine wash', 'stretchy', 'stretch',
    'lining', 'sterling', 'plated', 'hypoallergenic', 'real (gold|silver)',
  ]),
  color: anyOf([
    'colou?rs?', 'shades?', 'black', 'white', 'red', 'blue', 'green', 'pink', 'purple', 'yellow', 'orange',
    'gr[ae]y', 'brown', 'beige', 'navy', 'cream', 'nude', 'tan', 'gold', 'silver',
  ]),
  variants: anyOf([
    'comes? in', '(have|has|got) (it|this|that|them|these|one) in',
    'other (styles?|options?|versions?|models?)', 'variants?', 'styles?', 'options?',
  ]),
};

/**
 * How a clause opens when it asks something. "how" and "what" only with what follows them in
 * a question: "how cute is that" and "what a price!" are exclamations, not questions. The
 * opener must end the word ("can't wait" is not "can I").
 */
// biome-ignore format: word lists read better packed
const QUESTION_OPENER = new RegExp(`^(${[
  'how (much|many|long|big|small|tall|wide|heavy|soon|fast|far|often|does|do|is|are|can|would|will)',
  'what(?! an? )', "what's", 'whats', 'which', 'when', 'where', 'who', 'why', 'is', "isn't", 'are', "aren't",
  'does', "doesn't", "do (you|u|they|these|those|we|i|y'all|ya)", "don't (you|u|they)", 'did', 'can', 'could',
  'will', 'would', 'should', 'any', 'anyone', 'anybody', 'has', 'have (you|u|they)', 'got any', 'wondering',
  'i wonder', 'curious',
].join('|')})(?=[\\s?]|$)`);

/** Greetings, mentions and fillers that may precede the question itself. */
const LEADING_FILLER =
  /^((hi|hey|hello|yo|ok|okay|so|and|also|but|um+|pls|please|quick question|question|q|@\S+)[\s:,]*)+/;

export interface QuestionReading {
  /** True when the line asks something and is about buying (both are needed). */
  readonly question: boolean;
  /** The commerce topics mentioned, asked about or not. */
  readonly topics: BuyerTopic[];
}

const normaliseLine = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

function asksSomething(line: string): boolean {
  if (line.includes('?')) return true;
  return line
    .split(/[.!,;\n]+/)
    .map((clause) => clause.trim().replace(LEADING_FILLER, ''))
    .some((clause) => QUESTION_OPENER.test(clause));
}

export function isBuyerQuestion(text: string): QuestionReading {
  const line = normaliseLine(text);
  const topics = BUYER_TOPICS.filter((t) => TOPIC_PATTERNS[t].test(line));
  return { question: topics.length > 0 && asksSomething(line), topics };
}

// ---------------------------------------------------------------------------------------------
// FAQ matching

export interface Faq {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
}

export interface FaqMatch {
  readonly faqId: string;
  /** Cosine similarity in [0, 1]. */
  readonly score: number;
}

export const DEFAULT_FAQ_THRESHOLD = 0.5;

// biome-ignore format: a word list reads better packed
const STOPWORDS = new Set([
  'a', 'an', 'the', 'is', 'are', 'was', 'were', 'be', 'been', 'am', 'do', 'does', 'did', 'can', 'could',
  'will', 'would', 'should', 'shall', 'may', 'might', 'must', 'i', 'im', 'me', 'my', 'you', 'u', 'your', 'ur',
  'we', 'our', 'they', 'them', 'their', 'he', 'she', 'her', 'his', 'it', 'its', 'this', 'that', 'these',
  'those', 'there', 'here', 'what', 'whats', 'which', 'who', 'how', 'when', 'where', 'why', 'to', 'of', 'in',
  'on', 'for', 'with', 'at', 'by', 'from', 'as', 'about', 'into', 'and', 'or', 'but', 'if', 'so', 'than',
  'then', 'too', 'very', 'just', 'any', 'some', 'have', 'has', 'had', 'get', 'got', 'please', 'pls', 'hi',
  'hey', 'hello', 'thanks', 'thank', 'guys', 'lol', 'much', 'many', 'also', 'still', 'know', 'tell', 'anyone',
  's', 't', 'd', 'll', 're', 've',
]);

/** Words a shopper uses for the same thing, folded to one (after the plural is stripped). */
const SYNONYMS: Readonly<Record<string, string>> = {
  shipping: 'ship',
  shipped: 'ship',
  deliver: 'ship',
  delivery: 'ship',
  delivered: 'ship',
  postage: 'ship',
  dispatch: 'ship',
  arrive: 'ship',
  cost: 'price',
  pricing: 'price',
  colour: 'color',
  shade: 'color',
  refund: 'return',
  exchange: 'return',
  sizing: 'size',
  fit: 'size',
  fabric: 'material',
  made: 'material',
  available: 'stock',
  availability: 'stock',
  internationally: 'international',
  worldwide: 'international',
  abroad: 'international',
  overseas: 'international',
};

/** Plural to singular, the simple way: dresses → dress, sizes → size, accessories → accessory. */
function singular(word: string): string {
  if (word.length <= 3 || !word.endsWith('s') || /(ss|us|is)$/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}

/** Lowercase, strip accents and punctuation, drop stopwords, singularise, fold synonyms. */
export function normalizeTokens(text: string): string[] {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/\bhow much\b/g, ' price ');
  return plain
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '' && !STOPWORDS.has(w))
    .map((w) => {
      const one = singular(w);
      return SYNONYMS[one] ?? one;
    });
}

export interface FaqIndex {
  readonly idf: ReadonlyMap<string, number>;
  /** Weight of a token the FAQs never use: the rarest there is. */
  readonly unseenIdf: number;
  readonly entries: readonly {
    readonly id: string;
    readonly tokens: ReadonlySet<string>;
    readonly norm: number;
  }[];
}

/**
 * Precomputes IDF weights over the FAQ questions (smoothed: ln((1+N)/(1+df)) + 1), so words
 * every FAQ shares ("ship" in a shipping-heavy FAQ) count for less than the distinctive ones.
 * Build it once per FAQ list and pass it to `matchFaq` for every chat line.
 */
export function createFaqIndex(faqs: readonly Faq[]): FaqIndex {
  const tokenSets = faqs.map((f) => new Set(normalizeTokens(f.question)));
  const df = new Map<string, number>();
  for (const set of tokenSets) for (const t of set) df.set(t, (df.get(t) ?? 0) + 1);
  const n = faqs.length;
  const idf = new Map([...df].map(([t, d]) => [t, Math.log((1 + n) / (1 + d)) + 1] as const));
  const unseenIdf = Math.log(1 + n) + 1;
  const entries = faqs.map((f, i) => {
    const tokens = tokenSets[i] ?? new Set<string>();
    return { id: f.id, tokens, norm: Math.hypot(...[...tokens].map((t) => idf.get(t) ?? unseenIdf)) };
  });
  return { idf, unseenIdf, entries };
}

/**
 * The FAQ whose question is most like this one: IDF-weighted cosine similarity of the two
 * token sets. Returns the best match scoring at least `threshold` (and above 0), or undefined; on a tie the
 * earlier FAQ wins. Pass a prebuilt index when matching many lines against the same FAQs.
 */
export function matchFaq(
  question: string,
  faqs: readonly Faq[] | FaqIndex,
  threshold = DEFAULT_FAQ_THRESHOLD,
): FaqMatch | undefined {
  const index = 'idf' in faqs ? faqs : createFaqIndex(faqs);
  const tokens = new Set(normalizeTokens(question));
  const weight = (t: string) => index.idf.get(t) ?? index.unseenIdf;
  const norm = Math.hypot(...[...tokens].map(weight));
  let best: FaqMatch | undefined;
  for (const entry of index.entries) {
    if (norm === 0 || entry.norm === 0) continue;
    let dot = 0;
    for (const t of tokens) if (entry.tokens.has(t)) dot += weight(t) ** 2;
    // min(): rounding can put an identical question a hair above 1.
    const score = Math.min(1, dot / (norm * entry.norm));
    if (score > 0 && score >= threshold && (!best || score > best.score)) best = { faqId: entry.id, score };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Sentiment

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const DEFAULT_SENTIMENT_WINDOW_SECONDS = 60;
/** An average within ±0.05 reads as neutral: most chat lines score 0 and dilute the rest. */
export const DEFAULT_NEUTRAL_BAND = 0.05;
/** AFINN, which `sentiment` uses, scores words from -5 to +5; `comparative` is per token. */
const AFINN_MAX = 5;

let analyser: Sentiment | undefined;

/** A chat line's sentiment in [-1, 1]: the `sentiment` package's comparative score / 5. */
export function scoreText(text: string): number {
  analyser ??= new Sentiment();
  const { comparative } = analyser.analyze(text);
  if (!Number.isFinite(comparative)) return 0;
  return Math.max(-1, Math.min(1, comparative / AFINN_MAX));
}

export interface SentimentReading {
  /** Mean score of the lines in the window, in [-1, 1]; 0 when there are none. */
  readonly average: number;
  readonly count: number;
  readonly label: SentimentLabel;
}

export interface SentimentWindowOptions {
  readonly windowSeconds?: number;
  readonly neutralBand?: number;
}

/**
 * The mood of the last N seconds of chat. Time is passed in; it should move forward: lines
 * older than the window behind the newest one are dropped as they are added, so memory stays
 * bounded by the window, and a reading for a time before the newest line may miss lines.
 */
export class SentimentWindow {
  readonly #windowMs: number;
  readonly #neutralBand: number;
  /** Sorted by time. */
  #entries: { readonly score: number; readonly at: number }[] = [];

  constructor(options: SentimentWindowOptions = {}) {
    this.#windowMs = (options.windowSeconds ?? DEFAULT_SENTIMENT_WINDOW_SECONDS) * 1000;
    this.#neutralBand = options.neutralBand ?? DEFAULT_NEUTRAL_BAND;
  }

  /** Records a line's score (clamped to [-1, 1]; NaN is ignored) at time `at` (epoch ms). */
  add(score: number, at: number): void {
    if (Number.isNaN(score)) return;
    const entry = { score: Math.max(-1, Math.min(1, score)), at };
    let i = this.#entries.length;
    // Lines arrive nearly in order: walk back from the end to the insertion point.
    while (i > 0 && (this.#entries[i - 1]?.at ?? 0) > at) i--;
    this.#entries.splice(i, 0, entry);
    const newest = this.#entries.at(-1)?.at ?? at;
    const firstKept = this.#entries.findIndex((e) => e.at > newest - this.#windowMs);
    if (firstKept > 0) this.#entries = this.#entries.slice(firstKept);
  }

  /** The lines in (now - window, now]. */
  value(now: number): SentimentReading {
    let sum = 0;
    let count = 0;
    for (const e of this.#entries) {
      if (e.at > now - this.#windowMs && e.at <= now) {
        sum += e.score;
        count++;
      }
    }
    const average = count === 0 ? 0 : sum / count;
    const label: SentimentLabel =
      average > this.#neutralBand ? 'positive' : average < -this.#neutralBand ? 'negative' : 'neutral';
    return { average, count, label };
  }
}
