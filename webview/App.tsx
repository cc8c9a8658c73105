// The panel: six steps in the lesson's order, one shown at a time, sharing the context and the model.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Runs } from '../src/core/runs';
import type { ModelStatus } from '../src/protocol/lsp';
import type { EditorContext, PanelBootstrap, PredictionView, SamplingSettings } from '../src/protocol/webview';
import { ContextBar } from './components/ContextBar';
import { EstimatorComparisonSection } from './components/EstimatorComparison';
import { AS_LEARNED } from './components/NumberLine';
import { StepControl } from './components/StepControl';
import { Glossary } from './components/Glossary';
import { predictionRuns } from './distribution';
import { connectToHost, postToHost, requestGeneration, requestPrediction, saveState } from './host';
import type { PanelState, StepId } from './panelState';
import { STEPS } from './panelState';
import { canPredict, describeStatus, type Insertion } from './prediction';
import { ConditionalStep } from './steps/ConditionalStep';
import { GreedyStep } from './steps/GreedyStep';
import { ModelStep } from './steps/ModelStep';
import { NextWordStep } from './steps/NextWordStep';
import { SamplingStep } from './steps/SamplingStep';
import { EXAMPLE_TEMPERATURES, TemperatureStep } from './steps/TemperatureStep';
import { useAnswer, valueOf } from './useAnswer';

const STEP_TITLES: Record<StepId, string> = {
  conditional: 'Conditional probability',
  'next-word': 'Next word',
  model: 'The model',
  greedy: 'Greedy repeats',
  sampling: 'Sampling',
  temperature: 'Temperature',
};

/** Steps that ask the model about the current context. */
const USES_CONTEXT: ReadonlySet<StepId> = new Set<StepId>(['next-word', 'greedy', 'sampling', 'temperature']);
const EXAMPLE_LENGTH = 24;

export interface AppProps {
  readonly bootstrap: PanelBootstrap;
  readonly initialState: PanelState;
}

export function App({ bootstrap, initialState }: AppProps) {
  const [panel, setPanel] = useState(initialState);
  const update = (patch: Partial<PanelState>): void => setPanel((before) => ({ ...before, ...patch }));
  useEffect(() => saveState(panel), [panel]);

  const [settings, setSettings] = useState<SamplingSettings>(bootstrap.settings);
  const [status, setStatus] = useState(bootstrap.status);
  const [editorContext, setEditorContext] = useState<EditorContext | null>(null);
  // While the slider moves the panel redraws with its value; the setting is written when it settles.
  const [draftTemperature, setDraftTemperature] = useState<number | null>(null);
  const [examplesRound, setExamplesRound] = useState(0);

  useEffect(
    () =>
      connectToHost((message) => {
        switch (message.type) {
          case 'settings':
            setSettings(message.settings);
            setDraftTemperature(null);
            return;
          case 'status':
            setStatus(message.status);
            return;
          case 'editorContext':
            setEditorContext(message.context);
            return;
        }
      }),
    [],
  );

  const temperature = draftTemperature ?? settings.temperature;
  const text = panel.contextSource === 'editor' ? (editorContext?.textBeforeCursor ?? '') : panel.typedContext;
  // Anything that changes the model's answers: new counts, order, estimator or tokenizer.
  const model = canPredict(status)
    ? `${status.tokens}|${status.sentences}|${status.vocabularySize}|${status.order}|${status.estimator}|${status.tokenizer}`
    : null;
  const step = panel.step;

  const prediction = useAnswer(
    () => (model === null ? null : requestPrediction(text)),
    [text, model, settings.temperature, settings.topK, settings.topP],
  );
  const greedy = useAnswer(
    () =>
      model === null || step !== 'greedy'
        ? null
        : requestGeneration({ text, length: panel.greedyLength, mode: 'greedy', temperature: 0, seed: '' }),
    [text, model, step === 'greedy', panel.greedyLength],
  );
  const examples = useAnswer(
    () =>
      model === null || step !== 'temperature'
        ? null
        : Promise.all(
            EXAMPLE_TEMPERATURES.map((example) =>
              requestGeneration({
                text,
                length: EXAMPLE_LENGTH,
                mode: 'sample',
                temperature: example.temperature,
                seed: panel.seed === '' ? '' : `${panel.seed}·${examplesRound}`,
              }),
            ),
          ),
    [text, model, step === 'temperature', panel.seed, examplesRound],
  );

  const shownPrediction = valueOf(prediction);
  const runs = useMemo(() => (shownPrediction ? predictionRuns(shownPrediction) : null), [shownPrediction]);
  const toggleTable = (id: string): void =>
    update({ tables: panel.tables.includes(id) ? panel.tables.filter((t) => t !== id) : [...panel.tables, id] });
  // A word goes into the editor only where it was predicted: at the editor's cursor, after the same text.
  const insertAfter =
    panel.contextSource === 'editor' && editorContext !== null && shownPrediction?.text === editorContext.textBeforeCursor
      ? editorContext.textBeforeCursor
      : null;
  const insert: Insertion =
    insertAfter !== null
      ? { insert: (word) => postToHost({ type: 'insert', word, context: insertAfter }) }
      : {
          why:
            panel.contextSource === 'typed'
              ? 'These words follow the typed context, not the text at the editor’s cursor, so clicking does not insert them: choose “Editor cursor” to insert.'
              : 'No text editor is in view, so there is nowhere to insert a word.',
        };
  const commitTemperature = (value: number): void => {
    setDraftTemperature(value);
    postToHost({ type: 'setTemperature', temperature: value });
  };

  const stepIndex = STEPS.indexOf(step);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  /** Shows a step; with `focus`, its tab takes the focus (and scrolls into view: the buttons under a long step are far below). */
  const selectStep = (index: number, focus: boolean): void => {
    const next = STEPS[(index + STEPS.length) % STEPS.length];
    update({ step: next });
    if (focus) tabs.current[STEPS.indexOf(next)]?.focus();
  };

  /** A step drawn from the model's answer, or what stands in its way. */
  const withAnswer = (
    content: (answer: PredictionView, runs: Runs, learned: ModelStatus) => ComponentChildren,
  ): ComponentChildren => {
    if (!canPredict(status)) return <p class="placeholder">{describeStatus(status)}</p>;
    // Without an editor there is no cursor: a distribution for an empty line would answer a question nobody asked.
    if (panel.contextSource === 'editor' && editorContext === null) {
      return <p class="placeholder">No text editor is in view, so there is no cursor to predict after: click into a file, or choose Typed and type a context.</p>;
    }
    if (prediction.state === 'failed') return <p class="error">The model could not answer: {prediction.message}</p>;
    if (shownPrediction === undefined || runs === null) return <p class="placeholder">Asking the model…</p>;
    return content(shownPrediction, runs, status);
  };

  return (
    <main class="app">
      <header class="app-header">
        <h1>Next Word Lab</h1>
        <p class={`status-pill state-${status?.state ?? 'none'}`}>{describeStatus(status)}</p>
      </header>
      <div class="tabs" role="tablist" aria-label="Lesson steps">
        {STEPS.map((id, index) => (
          <button
            key={id}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={id === step}
            aria-controls={`step-${id}`}
            tabIndex={id === step ? 0 : -1}
            onClick={() => selectStep(index, false)}
            onKeyDown={(event) => {
              const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: STEPS.length - 1 };
              if (event.key in moves) {
                event.preventDefault();
                selectStep(moves[event.key], true);
              }
            }}
          >
            <span class="tab-number">{index + 1}</span>{' '}
            {/* The title reserves its bold width, so selecting a tab never moves the others. */}
            <span class="tab-title" data-title={STEP_TITLES[id]}>
              {STEP_TITLES[id]}
            </span>
          </button>
        ))}
      </div>
      <section class="step" role="tabpanel" id={`step-${step}`} aria-labelledby={`tab-${step}`}>
        <h2>
          {stepIndex + 1}. {STEP_TITLES[step]}
        </h2>
        {USES_CONTEXT.has(step) && (
          <ContextBar
            source={panel.contextSource}
            typedContext={panel.typedContext}
            editorContext={editorContext}
            onSourceChange={(contextSource) => update({ contextSource })}
            onTypedContextChange={(typedContext) => update({ typedContext })}
          />
        )}
        {step === 'conditional' && (
          <ConditionalStep
            people={panel.people}
            givenB={panel.givenB}
            tables={panel.tables}
            onPeopleChange={(people) => update({ people })}
            onGivenBChange={(givenB) => update({ givenB })}
            onToggleTable={toggleTable}
          />
        )}
        {/* One answer for the step's two parts, so that what stands in its way is said once. */}
        {step === 'next-word' &&
          withAnswer((answer, _runs, learned) => (
            <>
              <NextWordStep
                text={text}
                prediction={answer}
                estimator={learned.estimator}
                order={learned.order}
                tables={panel.tables}
                onToggleTable={toggleTable}
                insertion={insert}
              />
              <EstimatorComparisonSection text={text} prediction={answer} tables={panel.tables} onToggleTable={toggleTable} />
            </>
          ))}
        {step === 'model' && <ModelStep status={status} />}
        {step === 'greedy' &&
          withAnswer((_answer, _probabilities, learned) => (
            <GreedyStep
              generation={valueOf(greedy)}
              text={text}
              tokenizer={learned.tokenizer}
              length={panel.greedyLength}
              loading={greedy.state === 'loading'}
              error={greedy.state === 'failed' ? greedy.message : null}
              onLengthChange={(greedyLength) => update({ greedyLength })}
            />
          ))}
        {step === 'sampling' &&
          withAnswer((answer) => (
            <SamplingStep
              text={text}
              prediction={answer}
              settings={{ ...settings, temperature }}
              atSetting={panel.samplingAtSetting}
              onAtSettingChange={(samplingAtSetting) => update({ samplingAtSetting })}
              seed={panel.seed}
              tables={panel.tables}
              onSeedChange={(seed) => update({ seed })}
              onToggleTable={toggleTable}
              insertion={insert}
            />
          ))}
        {step === 'sampling' &&
          withAnswer(() => (
            <StepControl
              text={text}
              sampling={panel.samplingAtSetting ? { temperature, topK: settings.topK, topP: settings.topP } : AS_LEARNED}
              seed={panel.seed}
            />
          ))}
        {step === 'temperature' &&
          withAnswer((answer, runs, learned) => (
            <TemperatureStep
              prediction={answer}
              runs={runs}
              text={text}
              tokenizer={learned.tokenizer}
              temperature={temperature}
              examples={examples}
              tables={panel.tables}
              onTemperatureInput={setDraftTemperature}
              onTemperatureCommit={commitTemperature}
              onRegenerate={() => setExamplesRound((round) => round + 1)}
              onToggleTable={toggleTable}
            />
          ))}
      </section>
      <nav class="step-nav" aria-label="Lesson navigation">
        {stepIndex > 0 && (
          <button type="button" class="secondary" onClick={() => selectStep(stepIndex - 1, true)}>
            ← {STEP_TITLES[STEPS[stepIndex - 1]]}
          </button>
        )}
        {stepIndex < STEPS.length - 1 && (
          <button type="button" onClick={() => selectStep(stepIndex + 1, true)}>
            Next: {STEP_TITLES[STEPS[stepIndex + 1]]} →
          </button>
        )}
      </nav>
      <Glossary />
    </main>
  );
}
