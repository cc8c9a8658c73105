// The panel's entry point: reads the host's bootstrap data attribute, restores the saved state, renders.
import { render } from 'preact';
import { isPanelBootstrap } from '../src/protocol/webview';
import type { PanelBootstrap } from '../src/protocol/webview';
import { App } from './App';
import { loadState } from './host';
import { restorePanelState } from './panelState';
import './styles.css';

const FALLBACK_BOOTSTRAP: PanelBootstrap = {
  settings: { temperature: 1, topK: 0, topP: 1, seed: '' },
  status: null,
};

function readBootstrap(root: HTMLElement): PanelBootstrap {
  try {
    const data: unknown = JSON.parse(root.dataset.bootstrap ?? 'null');
    if (isPanelBootstrap(data)) return data;
  } catch {
    // Reported below like any other malformed value.
  }
  console.warn('Next Word Lab: the panel started without valid bootstrap data; waiting for the extension');
  return FALLBACK_BOOTSTRAP;
}

const root = document.getElementById('app');
if (root !== null) {
  const bootstrap = readBootstrap(root);
  render(<App bootstrap={bootstrap} initialState={restorePanelState(loadState(), bootstrap.settings.seed)} />, root);
}
