// The architecture's boundaries, enforced: each folder may import only what its layer allows.
import tseslint from 'typescript-eslint';

const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map(([group, message]) => ({ group, message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'out/**', 'sample-workspace/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**'],
    rules: restrict(
      [['vscode', 'vscode-*', 'vscode-languageserver*', 'vscode-languageclient*'], 'src/core is pure: no VS Code or LSP.'],
      [['fs', 'node:*', 'path', 'child_process', 'os'], 'src/core does no I/O: callers pass text and bytes in.'],
      [['**/server/**', '**/extension/**', '**/webview/**', '**/cli/**'], 'src/core depends on nothing above it.'],
    ),
  },
  {
    files: ['src/protocol/**'],
    rules: restrict(
      [['vscode', 'vscode-languageclient*', 'vscode-languageserver', 'vscode-languageserver/*'], 'protocol types use only vscode-languageserver-protocol.'],
      [['**/server/**', '**/extension/**', '**/webview/**'], 'protocol is shared by all sides and imports none of them.'],
    ),
  },
  {
    files: ['src/server/**'],
    rules: restrict(
      [['vscode', 'vscode-languageclient*'], 'the server never imports vscode.'],
      [['**/extension/**', '**/webview/**'], 'the server does not reach into the client or the webview.'],
    ),
  },
  {
    files: ['src/files/**'],
    rules: restrict(
      [['vscode', 'vscode-languageclient*', 'vscode-languageserver', 'vscode-languageserver/*'], 'the file rules serve the server and the command line alike: no VS Code or LSP runtime.'],
      [['**/server/**', '**/extension/**', '**/webview/**', '**/cli/**'], 'the file rules import none of the parts that use them.'],
    ),
  },
  {
    files: ['src/cli/**'],
    rules: restrict(
      [['vscode', 'vscode-languageclient*', 'vscode-languageserver', 'vscode-languageserver/*'], 'the command line runs without VS Code or a language server.'],
      [['**/server/**', '**/extension/**', '**/webview/**'], 'the command line uses src/core and src/files, never the server, the extension or the webview.'],
    ),
  },
  {
    files: ['src/extension/**'],
    rules: restrict(
      [['**/server/**'], 'the extension asks the server over LSP; it never imports it.'],
      [['**/webview/**'], 'the extension talks to the webview only by messages.'],
    ),
  },
  {
    files: ['webview/**'],
    rules: restrict(
      [['vscode', 'vscode-languageclient*', 'vscode-languageserver', 'vscode-languageserver/*'], "can't use vscode in webviews."],
      [['**/server/**', '**/extension/**'], 'the webview talks to the extension only by messages.'],
      [['fs', 'node:*', 'path', 'child_process'], 'the webview runs in a browser.'],
    ),
  },
  {
    // The panel's bundle may know the LSP messages' shapes, never load their runtime (the metafile
    // test in test/unit/package/webviewBundle.test.ts checks the bundle itself).
    files: ['webview/**', 'src/protocol/webview.ts', 'src/protocol/limits.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/protocol/lsp', './lsp', 'vscode-languageserver-protocol', 'vscode-jsonrpc*'],
          allowTypeImports: true,
          message: 'the webview bundle takes only types from the LSP protocol (limits live in src/protocol/limits.ts).',
        }],
      }],
    },
  },
);
