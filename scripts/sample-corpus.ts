// Writes sample-workspace/stories/: plain-English sentences, one per line, about the lesson's themes
// (people and the sports they like, the weather, a model that counts words), from a small grammar
// and a fixed seed. The bundled workspace needs far more text than its notes hold for a 3-gram model
// sampled at T = 1 to read like its text (docs/panel.md, "The sample workspace"); a small vocabulary
// said many ways gives every context enough counts. Run it again after changing the grammar:
//   npx tsx scripts/sample-corpus.ts
import fs from 'node:fs';
import path from 'node:path';
import { createRandom } from '../src/core/prng';

const root = path.resolve(__dirname, '..');
const OUT = path.join(root, 'sample-workspace', 'stories');
const FILES = ['people-and-sports', 'weather-diary', 'how-the-model-learns', 'a-week-of-predictions'];
const SENTENCES_PER_FILE = 2500;

const NAMES = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kim', 'Leo', 'Maya', 'Nora', 'Omar', 'Priya'];
const SPORTS = ['tennis', 'football', 'swimming', 'chess', 'running', 'basketball'];
const DAYS = ['on Monday', 'on Tuesday', 'on Saturday', 'on Sunday', 'after school', 'after work', 'every morning', 'every evening'];
const PLACES = ['at home', 'in the park', 'at the club', 'near the river', 'in the garden', 'at the station'];
const SKIES = ['cloudy', 'clear', 'grey', 'blue', 'dark'];
const WEATHER = ['it often rains', 'it rarely rains', 'the wind is cold', 'the air is warm', 'the streets are wet', 'people carry umbrellas'];
const FEELINGS = ['happy', 'tired', 'calm', 'proud', 'hungry', 'busy'];
const GROUPS = ['Some people', 'Many people', 'A few people', 'Most of my friends', 'Some of the students', 'The people in my street'];
const THINGS = ['the next word', 'the word after it', 'the last two words', 'the most likely word', 'a rare word', 'the end of the line'];
const COUNTS = ['counts the words', 'counts every pair of words', 'counts which word comes next', 'remembers how often each word follows the last two', 'keeps a table of counts'];
const NUMBERS = ['two', 'three', 'five', 'seven', 'ten', 'twelve'];

type Pick = <T>(list: readonly T[]) => T;

const TEMPLATES: Record<string, readonly ((p: Pick) => string)[]> = {
  'people-and-sports': [
    (p) => `${p(GROUPS)} like ${p(SPORTS)}.`,
    (p) => `${p(GROUPS)} like ${p(SPORTS)} and ${p(SPORTS)}.`,
    (p) => `${p(GROUPS)} like neither ${p(SPORTS)} nor ${p(SPORTS)}.`,
    (p) => `${p(NAMES)} likes ${p(SPORTS)} but not ${p(SPORTS)}.`,
    (p) => `${p(NAMES)} plays ${p(SPORTS)} ${p(DAYS)} ${p(PLACES)}.`,
    (p) => `${p(NAMES)} and ${p(NAMES)} play ${p(SPORTS)} ${p(DAYS)}.`,
    (p) => `After ${p(SPORTS)}, ${p(NAMES)} feels ${p(FEELINGS)}.`,
    (p) => `${p(NAMES)} says that ${p(SPORTS)} is more fun than ${p(SPORTS)}.`,
    (p) => `Of the ${p(NUMBERS)} people in the club, ${p(NUMBERS)} like ${p(SPORTS)}.`,
  ],
  'weather-diary': [
    (p) => `The sky is ${p(SKIES)} today.`,
    (p) => `When the sky is cloudy, ${p(WEATHER)}.`,
    (p) => `When the sky is ${p(SKIES)}, ${p(NAMES)} stays ${p(PLACES)}.`,
    (p) => `The sky was ${p(SKIES)} ${p(DAYS)}, so ${p(NAMES)} played ${p(SPORTS)} ${p(PLACES)}.`,
    (p) => `If it rains ${p(DAYS)}, ${p(NAMES)} plays ${p(SPORTS)} at home.`,
    () => `The chance of rain is higher when the sky is cloudy.`,
    (p) => `${p(NAMES)} looks at the sky and feels ${p(FEELINGS)}.`,
    (p) => `${p(DAYS).replace(/^./, (c) => c.toUpperCase())} the sky is ${p(SKIES)} and ${p(WEATHER)}.`,
  ],
  'how-the-model-learns': [
    (p) => `The model ${p(COUNTS)}.`,
    (p) => `The model reads the text and ${p(COUNTS)}.`,
    (p) => `The model predicts ${p(THINGS)} from the words before it.`,
    (p) => `The model gives ${p(THINGS)} a probability.`,
    (p) => `The model picks ${p(THINGS)} when the temperature is low.`,
    (p) => `At a high temperature the model picks ${p(THINGS)} more often.`,
    (p) => `The model learns that ${p(GROUPS).toLowerCase()} like ${p(SPORTS)}.`,
    () => `When the model has never seen the context, it backs off to a shorter one.`,
    (p) => `After "${p(GROUPS).toLowerCase()} like", the model expects ${p(SPORTS)}.`,
    () => `The model is only a table of counts, and it is often right.`,
  ],
  'a-week-of-predictions': [
    (p) => `${p(DAYS).replace(/^./, (c) => c.toUpperCase())}, ${p(NAMES)} typed "${p(GROUPS).toLowerCase()} like" and the model suggested ${p(SPORTS)}.`,
    (p) => `${p(NAMES)} asked the model for ${p(THINGS)} and it answered ${p(SPORTS)}.`,
    (p) => `${p(NAMES)} wrote about ${p(SPORTS)}, and the model counted ${p(NUMBERS)} new words.`,
    (p) => `The model predicted ${p(THINGS)}, and ${p(NAMES)} was ${p(FEELINGS)}.`,
    (p) => `${p(NAMES)} set the temperature to ${p(['zero', 'one', 'two', 'three'])} and the model ${p(['repeated itself', 'wrote a plausible sentence', 'wrote nonsense'])}.`,
    (p) => `Greedy decoding wrote the same ${p(NUMBERS)} words again and again.`,
    (p) => `Sampling gave ${p(NAMES)} a different sentence every time.`,
  ],
};

fs.mkdirSync(OUT, { recursive: true });
FILES.forEach((name, fileIndex) => {
  const random = createRandom(`sample-corpus/${fileIndex}`);
  const pick: Pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const templates = TEMPLATES[name];
  const lines = [`# ${name.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase())}`, ''];
  for (let i = 0; i < SENTENCES_PER_FILE; i++) lines.push(pick(templates)(pick));
  fs.writeFileSync(path.join(OUT, `${name}.md`), `${lines.join('\n')}\n`);
});
console.log(`wrote ${FILES.length} files of ${SENTENCES_PER_FILE} sentences to ${path.relative(root, OUT)}/`);
