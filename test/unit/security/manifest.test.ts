// What the extension declares about trust: it runs in Restricted Mode with the settings that widen
// what it reads taken from the user only, and it does not claim virtual workspaces, which have no files
// on disk for its language server to read. docs/robustness.md gives the reasoning.

import assert from 'node:assert/strict';
import { manifest } from '../../manifest';

describe('security: the manifest declares workspace trust and virtual workspaces honestly', () => {
  const { capabilities } = manifest;
  const settings = Object.assign({}, ...manifest.contributes.configuration.map((group) => group.properties)) as Record<string, unknown>;

  it('untrusted workspaces: limited, with a reason, restricting only declared settings that choose which files are read', () => {
    const untrusted = capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.ok(untrusted.description.length > 40);
    for (const key of untrusted.restrictedConfigurations) assert.ok(key in settings, `${key} is not a declared setting`);
    assert.deepEqual([...untrusted.restrictedConfigurations].sort(), ['nextWordLab.baseModel', 'nextWordLab.exclude', 'nextWordLab.include', 'nextWordLab.maxFileSizeKB']);
  });

  it('virtual workspaces: not supported, with a reason (the server reads files from disk)', () => {
    assert.equal(capabilities.virtualWorkspaces.supported, false);
    assert.match(capabilities.virtualWorkspaces.description, /disk/);
  });

  it('activates on nothing broader than startup finished and its own panel', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
  });
});
