// The extension under test, as every integration suite starts from it.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../package.json';
import type { NextWordLabApi } from '../../src/extension/extension';

export const extensionId = `${manifest.publisher}.${manifest.name}`;

/** Activates the extension and waits until its model has learned the workspace. */
export async function readyExtension(): Promise<NextWordLabApi> {
  const extension = vscode.extensions.getExtension<NextWordLabApi>(extensionId);
  assert.ok(extension, `${extensionId} is loaded`);
  const api = await extension.activate();
  await api.whenReady();
  return api;
}
