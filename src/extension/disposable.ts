// A disposable that owns other disposables, so each lifetime (the extension's, one server run's)
// is released by a single dispose() and nothing registered along the way can leak.

import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `disposable` (disposed at once if this is already disposed) and returns it. */
  protected _register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) disposable.dispose();
    else this.owned.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Last registered first, so nothing outlives what it depends on.
    for (const disposable of this.owned.splice(0).reverse()) {
      try {
        disposable.dispose();
      } catch (error) {
        console.error('Next Word Lab: dispose failed', error);
      }
    }
  }
}
