// The command line built from source into a temp folder, run as a child process (as users run it).

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.join(__dirname, '../../..');

/** Bundles src/cli/cli.ts into `outfile`, as `npm run build` does. */
export async function buildCli(outfile: string): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(root, 'src/cli/cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class BuiltCli {
  private constructor(
    readonly workDir: string,
    readonly file: string,
  ) {}

  static async build(prefix: string): Promise<BuiltCli> {
    const workDir = mkdtempSync(path.join(os.tmpdir(), prefix));
    const file = path.join(workDir, 'cli.js');
    await buildCli(file);
    return new BuiltCli(workDir, file);
  }

  run(args: readonly string[], options: SpawnSyncOptions = {}): Run {
    const result = spawnSync(process.execPath, [this.file, ...args], {
      cwd: this.workDir,
      env: { ...process.env, NO_COLOR: '1' },
      ...options,
      encoding: 'utf8',
    });
    return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  dispose(): void {
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
