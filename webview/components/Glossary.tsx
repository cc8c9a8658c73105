// The short glossary at the foot of the panel: every term the lesson uses, in the order it appears.
import { GLOSSARY, GLOSSARY_TERMS, glossaryId } from '../glossary';

export function Glossary() {
  return (
    <details class="glossary">
      <summary>Glossary: the lesson’s words</summary>
      <dl>
        {GLOSSARY_TERMS.map((term) => (
          <div key={term} id={glossaryId(term)}>
            <dt>{term}</dt>
            <dd>{GLOSSARY[term]}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
