// The lesson's words for a beginner: each defined once here, shown where it first appears (a hover on
// the term) and in the glossary at the foot of the panel.

export const GLOSSARY = {
  'conditional probability':
    'P(A|B), the probability of A given that B happened: the share of the cases where B happened in which A happened too.',
  token:
    'One unit of text the model counts: a word, a number, or a single symbol such as “(” or “.”. The end of a line is a token too (⏎).',
  vocabulary: 'Every distinct token the model has seen: the words it can predict.',
  context: 'The tokens just before the next word: what the model conditions on (the “B” of step 1).',
  'n-gram':
    'A run of n tokens in a row (“people like tennis” is a 3-gram). An n-gram model predicts the next token from the n − 1 tokens before it.',
  'maximum likelihood':
    'The plain share: c(context, word) / c(context). It gives 0 to every word never seen after the context.',
  smoothing:
    'Moving a little probability from the words seen after a context to the unseen ones, so that no possible word gets exactly 0.',
  backoff:
    'When the model never saw the whole context, it uses a shorter one (its last tokens), down to single-word frequencies.',
  'Kneser-Ney':
    'A smoothing method: it subtracts a small discount from every count and gives the freed probability to words by how many different contexts they follow (their continuation count), not by how often they occur.',
  training: 'Learning the parameters from data. Here: counting every n-gram in the workspace’s files.',
  parameter: 'A number the model learned in training. Here each n-gram’s count is one.',
  greedy: 'Greedy decoding: always taking the likeliest next word.',
  sampling: 'Drawing the next word at random, each word with its probability.',
  seed: 'The starting number of the random draws: the same seed gives the same draws, so a result can be repeated.',
  logit: 'A model’s raw score for a word before the softmax; for this count model, z = ln p.',
  softmax: 'Turns scores into probabilities: p_i = exp(z_i) / Σ_j exp(z_j). They are all positive and add up to 1.',
  temperature: 'T divides the logits before the softmax: below 1 it sharpens the distribution, above 1 it flattens it.',
  entropy:
    'How uncertain the next word is, in bits: 0 when one word is certain, log₂(number of words) when all are equally likely.',
} as const;

export type GlossaryTerm = keyof typeof GLOSSARY;

export const GLOSSARY_TERMS = Object.keys(GLOSSARY) as GlossaryTerm[];

/** The id of a term's entry in the glossary. */
export function glossaryId(term: GlossaryTerm): string {
  return `glossary-${term.toLowerCase().replace(/[^a-z]+/g, '-')}`;
}
