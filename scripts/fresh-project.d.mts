export interface InstallLines {
  dependencies: string[];
  devDependencies: string[];
}
export interface RunningProgram {
  output(): string;
  stop(): Promise<void>;
}
export function kitPackages(): Map<string, string>;
export function packKit(names: string[], destination: string): Promise<Map<string, string>>;
export function startProgram(dir: string, env: Record<string, string>): RunningProgram;
export function freePort(): Promise<number>;
export function waitFor(
  check: () => boolean | Promise<boolean>,
  describe: () => string,
  timeoutMs?: number,
): Promise<void>;
export function installLines(readme: string): InstallLines;
export function readmeFiles(readme: string): Record<string, string>;
export function importedPackages(code: string): string[];
export function freshProjectFromReadme(options: {
  readmePath: string;
  compilerOptions?: Record<string, unknown>;
}): Promise<{ dir: string; install: InstallLines }>;
export function sendThroughQuickStart(options: {
  dir: string;
  env: Record<string, string>;
  route: string;
  body: unknown;
  receiptAccepted: (messageId: string) => boolean;
}): Promise<{ status: number; program: RunningProgram }>;
