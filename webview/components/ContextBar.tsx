// Where the context comes from: the words before the editor's cursor (following it), or typed here.
import { MAX_TEXT_LENGTH } from '../../src/protocol/webview';
import type { EditorContext } from '../../src/protocol/webview';
import type { ContextSource } from '../panelState';

export interface ContextBarProps {
  readonly source: ContextSource;
  readonly typedContext: string;
  readonly editorContext: EditorContext | null;
  readonly onSourceChange: (source: ContextSource) => void;
  readonly onTypedContextChange: (text: string) => void;
}

/** Long lines are shown by their end, which is what the model reads. */
const SHOWN_CONTEXT_CHARACTERS = 90;

function tail(text: string): string {
  return text.length <= SHOWN_CONTEXT_CHARACTERS ? text : `…${text.slice(-SHOWN_CONTEXT_CHARACTERS)}`;
}

function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}

export function ContextBar(props: ContextBarProps) {
  const editor = props.editorContext;
  return (
    <div class="context-bar" role="group" aria-label="Context">
      <fieldset class="segmented">
        <legend class="visually-hidden">Take the context from</legend>
        <label>
          <input
            type="radio"
            name="context-source"
            checked={props.source === 'editor'}
            onChange={() => props.onSourceChange('editor')}
          />
          Editor cursor
        </label>
        <label>
          <input
            type="radio"
            name="context-source"
            checked={props.source === 'typed'}
            onChange={() => props.onSourceChange('typed')}
          />
          Typed
        </label>
      </fieldset>
      {props.source === 'typed' ? (
        <label class="context-input">
          <span class="visually-hidden">Context to continue</span>
          <input
            type="text"
            value={props.typedContext}
            placeholder="Type the beginning of a line…"
            maxLength={MAX_TEXT_LENGTH}
            spellcheck={false}
            onInput={(event) => props.onTypedContextChange(event.currentTarget.value)}
          />
        </label>
      ) : editor ? (
        <p class="context-editor">
          <span class="context-file">
            {baseName(editor.fileName)}:{editor.line + 1}
          </span>
          {/* Right to left outside, left to right inside: a line too long for the panel loses its start, never the words at the cursor. */}
          <code class="context-text" title={tail(editor.textBeforeCursor.trimStart())}>
            <span dir="ltr">{tail(editor.textBeforeCursor.trimStart()) || '(start of the line)'}</span>
          </code>
          <span class="cursor-mark" aria-hidden="true">▏</span>
        </p>
      ) : (
        <p class="context-editor hint">No text editor is in view (another editor, such as Settings, may be in front): click into a file, or choose Typed.</p>
      )}
    </div>
  );
}
