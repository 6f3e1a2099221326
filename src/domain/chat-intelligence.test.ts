import { describe, expect, it } from 'vitest';
import {
  createFaqIndex,
  type Faq,
  isBuyerQuestion,
  matchFaq,
  normalizeTokens,
  SentimentWindow,
  scoreText,
} from './chat-intelligence.ts';

const T0 = 1_700_000_000_000;

describe('question radar', () => {
  const buyerQuestions: [string, string][] = [
    ['what size is she wearing?', 'size'],
    ['does it run small', 'size'],
    ['is it true to size?', 'size'],
    ['will it fit a size 10', 'size'],
    ['do these come in a wide fit', 'size'],
    ['how much is shipping to Canada', 'shipping'],
    ['how much?', 'price'],
    ['price?', 'price'],
    ['any discount codes?', 'price'],
    ['hey can u do free shipping', 'shipping'],
    ['is it still available', 'availability'],
    ['any more in medium?', 'availability'],
    ['how many are left', 'availability'],
    ['is the XL still in stock', 'availability'],
    ['does it come in black', 'color'],
    ['what colours does it come in', 'variants'],
    ["what's it made of", 'material'],
    ['is this real leather?', 'material'],
    ['is it machine washable', 'material'],
    ['do you ship to the UK', 'shipping'],
    ['when will it ship', 'shipping'],
    ['how long does delivery take', 'shipping'],
    ["can I return it if it doesn't fit", 'returns'],
    ['@host does the necklace come in silver', 'color'],
    ['OMG love it. Is it $40 or $50', 'price'],
    ['do you have it in a 38', 'variants'],
    ['anyone know if it ships to australia', 'shipping'],
    ['which one is cheaper?', 'price'],
  ];

  const notBuyerQuestions = [
    'lol',
    'I love this!!',
    'hi from Brazil',
    'hi from Brazil, love the show',
    'love the colour on you',
    'this fits you perfectly',
    'what a great price',
    'how cute is that',
    'just bought 2!',
    "can't wait to get the red one",
    'my size sold out :(',
    'free shipping is the best',
    'how are you today?',
    'first time here',
    'SOLD',
  ];

  for (const [line, topic] of buyerQuestions) {
    it(`question radar - "${line}" is a buyer question about ${topic}`, () => {
      const r = isBuyerQuestion(line);
      expect(r.question).toBe(true);
      expect(r.topics).toContain(topic);
    });
  }

  for (const line of notBuyerQuestions) {
    it(`question radar - "${line}" is not a buyer question`, () => {
      expect(isBuyerQuestion(line).question).toBe(false);
    });
  }

  it('question radar - a question without a commerce topic is not a buyer question', () => {
    expect(isBuyerQuestion('where are you streaming from?')).toEqual({ question: false, topics: [] });
  });

  it('question radar - topics are reported for statements too', () => {
    expect(isBuyerQuestion('my size sold out :(').topics).toEqual(['size', 'availability']);
  });

  it('question radar - a line can ask about several topics', () => {
    expect(isBuyerQuestion('how much is the blue one in large?').topics).toEqual(['size', 'price', 'color']);
  });
});

describe('faq matching', () => {
  const faqs: Faq[] = [
    { id: 'faq_ship', question: 'How long does shipping take?', answer: '3-5 business days.' },
    { id: 'faq_intl', question: 'Do you ship internationally?', answer: 'Yes, to 40 countries.' },
    { id: 'faq_returns', question: 'What is your return policy?', answer: '30 days, free.' },
    { id: 'faq_size', question: 'Does the hoodie run true to size?', answer: 'Size up for a loose fit.' },
    { id: 'faq_material', question: 'What material is the hoodie made of?', answer: '100% organic cotton.' },
    { id: 'faq_cost', question: 'How much does shipping cost?', answer: 'Free over $50.' },
  ];
  const index = createFaqIndex(faqs);

  it('faq matching - normalisation lowercases, drops stopwords, singularises and folds synonyms', () => {
    expect(normalizeTokens('What Colours do the DRESSES come in?!')).toEqual(['color', 'dress', 'come']);
    expect(normalizeTokens('How much is delivery? Any refunds')).toEqual(['price', 'ship', 'return']);
    expect(normalizeTokens('accessories, sizes, boxes')).toEqual(['accessory', 'size', 'box']);
  });

  it('faq matching - the same question matches with a score of 1', () => {
    expect(matchFaq('How long does shipping take?', faqs)).toEqual({ faqId: 'faq_ship', score: 1 });
  });

  const paraphrases: [string, string][] = [
    ['how long does delivery take??', 'faq_ship'],
    ['hey do u guys ship worldwide', 'faq_intl'],
    ["what's the returns policy", 'faq_returns'],
    ['can I get a refund? whats the policy', 'faq_returns'],
    ['does this hoodie fit true to size', 'faq_size'],
    ['what fabric is the hoodie?', 'faq_material'],
    ['how much is shipping', 'faq_cost'],
    ['what does delivery cost', 'faq_cost'],
  ];
  for (const [line, id] of paraphrases) {
    it(`faq matching - "${line}" matches ${id}`, () => {
      expect(matchFaq(line, index)?.faqId).toBe(id);
    });
  }

  const unrelated = ['lol', 'I love this!!', 'hi from Brazil', 'what song is this?', 'you look great today'];
  for (const line of unrelated) {
    it(`faq matching - "${line}" matches nothing`, () => {
      expect(matchFaq(line, index)).toBeUndefined();
    });
  }

  it('faq matching - a prebuilt index and the FAQ list give the same answer', () => {
    expect(matchFaq('do you ship internationally', faqs)).toEqual(
      matchFaq('do you ship internationally', index),
    );
  });

  it('faq matching - a weak match below the threshold is not returned', () => {
    const weak = matchFaq('is the hoodie warm enough for winter', index, 0);
    expect(weak?.score ?? 1).toBeLessThan(0.5);
    expect(matchFaq('is the hoodie warm enough for winter', index)).toBeUndefined();
  });

  it('faq matching - a line sharing no word with any FAQ matches nothing even at threshold 0', () => {
    expect(matchFaq('what song is this?', index, 0)).toBeUndefined();
  });

  it('faq matching - no FAQs matches nothing', () => {
    expect(matchFaq('how long does shipping take', [])).toBeUndefined();
  });
});

describe('sentiment', () => {
  it('sentiment - an obviously positive line scores above zero', () => {
    expect(scoreText('I love this, it is amazing!!')).toBeGreaterThan(0.2);
  });

  it('sentiment - an obviously negative line scores below zero', () => {
    expect(scoreText('this is terrible, worst scam ever')).toBeLessThan(-0.2);
  });

  it('sentiment - a plain line scores zero', () => {
    expect(scoreText('hi from Brazil')).toBe(0);
    expect(scoreText('')).toBe(0);
  });

  it('sentiment - scores stay within [-1, 1]', () => {
    for (const line of ['love', 'fuck', 'superb superb superb', 'bastard bastard', 'catastrophic']) {
      const s = scoreText(line);
      expect(s).toBeGreaterThanOrEqual(-1);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it('sentiment - an empty window is neutral with no lines', () => {
    expect(new SentimentWindow().value(T0)).toEqual({ average: 0, count: 0, label: 'neutral' });
  });

  it('sentiment - the window averages the lines in it', () => {
    const w = new SentimentWindow({ windowSeconds: 30 });
    w.add(0.6, T0);
    w.add(0.2, T0 + 1000);
    w.add(-0.2, T0 + 2000);
    const v = w.value(T0 + 2000);
    expect(v.count).toBe(3);
    expect(v.average).toBeCloseTo(0.2);
    expect(v.label).toBe('positive');
  });

  it('sentiment - a room of happy lines reads positive', () => {
    const w = new SentimentWindow();
    for (const [i, l] of ['love it!!', 'amazing', 'so beautiful', 'great deal'].entries()) {
      w.add(scoreText(l), T0 + i);
    }
    expect(w.value(T0 + 10).label).toBe('positive');
  });

  it('sentiment - a room of angry lines reads negative', () => {
    const w = new SentimentWindow();
    for (const [i, l] of ['this is a scam', 'terrible quality', 'awful', 'worst show ever'].entries()) {
      w.add(scoreText(l), T0 + i);
    }
    expect(w.value(T0 + 10).label).toBe('negative');
  });

  it('sentiment - a small average inside the neutral band reads neutral', () => {
    const w = new SentimentWindow({ neutralBand: 0.1 });
    w.add(0.05, T0);
    w.add(0, T0);
    expect(w.value(T0).label).toBe('neutral');
  });

  it('sentiment - lines older than the window no longer count', () => {
    const w = new SentimentWindow({ windowSeconds: 10 });
    w.add(-1, T0);
    w.add(1, T0 + 5000);
    expect(w.value(T0 + 9999).count).toBe(2);
    expect(w.value(T0 + 10_000)).toEqual({ average: 1, count: 1, label: 'positive' });
    expect(w.value(T0 + 15_000).count).toBe(0);
  });

  it('sentiment - lines stamped after the reading time are not counted', () => {
    const w = new SentimentWindow();
    w.add(1, T0 + 5000);
    expect(w.value(T0).count).toBe(0);
  });

  it('sentiment - a line arriving slightly out of order is still counted', () => {
    const w = new SentimentWindow({ windowSeconds: 10 });
    w.add(1, T0 + 2000);
    w.add(-1, T0 + 1000);
    w.add(1, T0 + 3000);
    expect(w.value(T0 + 3000)).toMatchObject({ count: 3 });
    // (1500, 11500]: the late line at 1000 has left the window, the two after it have not.
    expect(w.value(T0 + 11_500)).toMatchObject({ count: 2, average: 1 });
  });

  it('sentiment - scores outside [-1, 1] are clamped and NaN is ignored', () => {
    const w = new SentimentWindow();
    w.add(5, T0);
    w.add(Number.NaN, T0);
    expect(w.value(T0)).toMatchObject({ average: 1, count: 1 });
  });

  it('sentiment - a long stream counts only the last window', () => {
    const w = new SentimentWindow({ windowSeconds: 1 });
    for (let i = 0; i < 100_000; i++) w.add(0.5, T0 + i * 10);
    expect(w.value(T0 + 999_990).count).toBe(100);
  });
});
