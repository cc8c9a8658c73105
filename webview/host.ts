// The webview's side of the channel: typed posting, validated receiving, request/answer pairing, and
// the persisted state VS Code keeps while the panel is hidden or the window reloads.
import { isToWebview } from '../src/protocol/webview';
import type { EvidenceView, ExplanationView, FromWebview, GenerationMode, PredictionView, SamplingRequest, ToWebview } from '../src/protocol/webview';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called only once per page load.
const vscode = acquireVsCodeApi();

/** Host messages that are not answers to a request. */
export type HostNotification = Extract<ToWebview, { type: 'settings' | 'status' | 'editorContext' }>;
type HostAnswer = Exclude<ToWebview, HostNotification>;

const pending = new Map<number, (answer: HostAnswer) => void>();
let lastRequestId = 0;

export function postToHost(message: FromWebview): void {
  vscode.postMessage(message);
}

/**
 * Installs the one message listener and then says "ready": the host posts nothing before it, so no
 * message can arrive before someone listens.
 */
export function connectToHost(onNotification: (message: HostNotification) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isToWebview(message)) {
      console.warn('Next Word Lab: ignored a malformed message from the extension', message);
      return;
    }
    switch (message.type) {
      case 'settings':
      case 'status':
      case 'editorContext':
        onNotification(message);
        return;
      default: {
        const settle = pending.get(message.requestId);
        pending.delete(message.requestId);
        settle?.(message);
      }
    }
  });
  postToHost({ type: 'ready' });
}

function ask(post: (requestId: number) => FromWebview): Promise<HostAnswer> {
  const requestId = ++lastRequestId;
  return new Promise((resolve) => {
    pending.set(requestId, resolve);
    postToHost(post(requestId));
  });
}

function failure(answer: HostAnswer): Error {
  return new Error(answer.type === 'requestFailed' ? answer.message : `unexpected answer "${answer.type}"`);
}

export async function requestPrediction(text: string, sampling: SamplingRequest | null = null): Promise<PredictionView> {
  const answer = await ask((requestId) => ({ type: 'predict', requestId, text, sampling }));
  if (answer.type === 'prediction') return answer.prediction;
  throw failure(answer);
}

export interface GenerateOptions {
  readonly text: string;
  readonly length: number;
  readonly mode: GenerationMode;
  /** Used when sampling. */
  readonly temperature: number;
  /** Empty = the model's running generator. */
  readonly seed: string;
}

export type Generation = Omit<Extract<ToWebview, { type: 'generation' }>, 'type' | 'requestId'>;

export async function requestGeneration(options: GenerateOptions): Promise<Generation> {
  const answer = await ask((requestId) => ({ type: 'generate', requestId, ...options }));
  if (answer.type === 'generation') return { tokens: answer.tokens, loop: answer.loop };
  throw failure(answer);
}

/** The compared estimators' numbers for `words` after `text`, with the arithmetic behind each. */
export async function requestExplanation(text: string, words: readonly string[]): Promise<ExplanationView> {
  const answer = await ask((requestId) => ({ type: 'explain', requestId, text, words }));
  if (answer.type === 'explanation') return answer.explanation;
  throw failure(answer);
}

/** Where the workspace shows the context of `text` followed by `word`. */
export async function requestEvidence(text: string, word: string): Promise<EvidenceView> {
  const answer = await ask((requestId) => ({ type: 'evidence', requestId, text, word }));
  if (answer.type === 'evidence') return answer.evidence;
  throw failure(answer);
}

export function loadState(): unknown {
  return vscode.getState();
}

export function saveState(state: unknown): void {
  vscode.setState(state);
}
