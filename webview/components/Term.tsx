// A lesson term where it first appears: marked as a definition, its meaning on hover and focus, and the
// same words in the glossary.
import type { ComponentChildren } from 'preact';
import { GLOSSARY, type GlossaryTerm } from '../glossary';

export function Term({ term, children }: { readonly term: GlossaryTerm; readonly children?: ComponentChildren }) {
  return (
    <dfn class="term" title={GLOSSARY[term]} data-term={term}>
      {children ?? term}
    </dfn>
  );
}
