// Types of scenarios.mjs for the tests that run its small versions.
export interface Check {
  sandboxMessages: number;
  acked: number;
  intents: number;
  states: Record<string, number>;
  storedMessages: number;
  lost: number;
  sentTwice: number;
  wrongId: number;
  ackedMissing: number;
  phantom: number;
  receiptsNotApplied?: number;
  ok: boolean;
}
export interface CrashResult {
  mode: 'sigterm' | 'kill9';
  exit: { code: number | null; signal: string | null };
  /** With `restart` (the default). */
  interruptedAtRestart?: number;
  reconciliation?: { checked: number; recovered: number; confirmed: number; unresolved: number };
  unresolvedAfterRestart?: number;
  check: Check;
}
export function crashRun(options: {
  mode: 'sigterm' | 'kill9';
  after: number;
  concurrency?: number;
  /** Restart on the same database and let it reconcile before checking. Default true. */
  restart?: boolean;
}): Promise<CrashResult>;
export interface BurstResult {
  sends: number;
  receiptsGivenUp: number;
  appAckMs?: { p50: number; p99: number; max: number };
  check: Check;
}
export function burstRun(options: {
  bursts: number[];
  concurrency?: number;
  sandboxArgs?: string[];
  /** Sends of the no-op-receiver baseline run first (0, the default: none). */
  baseline?: number;
}): Promise<BurstResult[]>;
