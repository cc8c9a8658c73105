// A host request as component state: the latest answer wins, and the previous value stays on screen
// while a new one is on its way (no flicker as the cursor moves).
import { useEffect, useState } from 'preact/hooks';
import type { Inputs } from 'preact/hooks';
import { errorMessage } from './format';

export type Answer<T> =
  | { readonly state: 'idle' }
  | { readonly state: 'loading'; readonly previous?: T }
  | { readonly state: 'done'; readonly value: T }
  | { readonly state: 'failed'; readonly message: string };

/** Typing and cursor moves settle for this long before a request goes out. */
const SETTLE_MS = 120;

/** The value to draw: the current one, or the previous one while loading. */
export function valueOf<T>(answer: Answer<T>): T | undefined {
  if (answer.state === 'done') return answer.value;
  if (answer.state === 'loading') return answer.previous;
  return undefined;
}

/** Runs `start` whenever `inputs` change (null = nothing to ask); answers to superseded runs are dropped. */
export function useAnswer<T>(start: () => Promise<T> | null, inputs: Inputs): Answer<T> {
  const [answer, setAnswer] = useState<Answer<T>>({ state: 'idle' });
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      const request = start();
      if (request === null) {
        setAnswer({ state: 'idle' });
        return;
      }
      setAnswer((before) => ({ state: 'loading', previous: valueOf(before) }));
      request.then(
        (value) => current && setAnswer({ state: 'done', value }),
        (error: unknown) => current && setAnswer({ state: 'failed', message: errorMessage(error) }),
      );
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `start` is a fresh closure each render; `inputs` says when it asks something new.
  }, inputs);
  return answer;
}
