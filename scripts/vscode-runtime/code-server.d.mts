// Types of code-server.mjs for the TypeScript callers (the e2e harness).
export function chromiumPath(): string;
export function chromiumLaunchOptions(stateDir: string): {
  executablePath: string;
  headless: boolean;
  args: string[];
  env: Record<string, string | undefined>;
};
export function writeUserSettings(userDataDir: string, settings?: Record<string, unknown>): string;
export function installVsix(vsixPath: string, dirs: { userDataDir: string; extensionsDir: string }): void;

export interface RunningCodeServer {
  baseUrl: string;
  port: number;
  pid: number;
  userDataDir: string;
  extensionsDir: string;
  /** Resolves with code-server's exit code when it stops. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}
export function startCodeServer(options: {
  stateDir: string;
  userDataDir?: string;
  extensionsDir?: string;
  port?: number;
  logFile?: string;
  log?: (line: string) => void;
}): Promise<RunningCodeServer>;

export function linkExtensionUnderDevelopment(dir: string, extensionPath: string): string;
export function workbenchUrl(baseUrl: string, target: {
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}): string;
export function makeStateDir(prefix: string): string;
