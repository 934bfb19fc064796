import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Where the app stores its PGlite database when DATABASE_PATH is not set. */
export const DEFAULT_DATABASE_PATH = fileURLToPath(new URL('../data/', import.meta.url));
/** A virtual number the sandbox accepts as sender. */
export const DEFAULT_FROM = '33700000000';

export type Backend = 'sandbox' | 'smspartner-sandbox' | 'smspartner-live';

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');
const secret = z.string().trim().min(16, 'must be at least 16 characters');

export interface AppConfig {
  port: number;
  host: string;
  /** Base URL the provider reaches us at (urlDlr / urlResponse). */
  publicUrl: string;
  from: string;
  webhookSecret: string;
  webhookSecretGenerated: boolean;
  /** Absent: the in-process sandbox is used. */
  apiKey?: string;
  /** Where the client sends (SMSPARTNER_BASE_URL): another SMS Partner-compatible server. */
  baseUrl?: string;
  /** With an API key: send for real (otherwise `sandbox=1`). */
  live: boolean;
  /**
   * Keep the last raw callbacks for the console's "Raw callbacks" pane (SMSPARTNER_RECORD_CALLBACKS;
   * default on with the in-process sandbox only: bodies hold phone numbers and texts).
   */
  recordCallbacks: boolean;
  databasePath: string;
  /** Deprecated settings that were read, one line each (printed at start-up). */
  warnings: string[];
}

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['', '0', '1', 'true', 'false', 'yes', 'no'].includes(v), 'must be 1 or 0')
  .transform((v) => ['1', 'true', 'yes'].includes(v));

const envSchema = z.object({
  PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a port number')
    .transform(Number)
    .refine((n) => n <= 65_535, 'must be a port number (0-65535)')
    .optional(),
  HOST: z.string().trim().min(1).optional(),
  PUBLIC_URL: httpUrl.optional(),
  SMSPARTNER_BASE_URL: httpUrl.optional(),
  SMSPARTNER_FROM: z.string().trim().min(1).optional(),
  SMSPARTNER_API_KEY: z.string().trim().optional(),
  SMSPARTNER_LIVE: flag.optional(),
  SMSPARTNER_RECORD_CALLBACKS: flag.optional(),
  SMSPARTNER_WEBHOOK_SECRET: secret.optional(),
  /** Deprecated name of SMSPARTNER_WEBHOOK_SECRET. */
  WEBHOOK_SECRET: secret.optional(),
  DATABASE_PATH: z.string().trim().min(1).optional(),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the app's settings from the environment. Empty variables count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const port = e.PORT ?? 3000;
  const warnings: string[] = [];
  if (e.WEBHOOK_SECRET !== undefined) {
    warnings.push(
      e.SMSPARTNER_WEBHOOK_SECRET === undefined
        ? 'WEBHOOK_SECRET is deprecated: rename it SMSPARTNER_WEBHOOK_SECRET'
        : 'WEBHOOK_SECRET is deprecated and ignored: SMSPARTNER_WEBHOOK_SECRET is set',
    );
  }
  if (e.SMSPARTNER_BASE_URL !== undefined && e.SMSPARTNER_API_KEY === undefined) {
    throw new ConfigError(
      'Invalid environment: SMSPARTNER_BASE_URL needs SMSPARTNER_API_KEY (any value for a sandbox)',
    );
  }
  const webhookSecret = e.SMSPARTNER_WEBHOOK_SECRET ?? e.WEBHOOK_SECRET;
  return {
    port,
    host: e.HOST ?? '127.0.0.1',
    publicUrl: (e.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    from: e.SMSPARTNER_FROM ?? DEFAULT_FROM,
    webhookSecret: webhookSecret ?? randomBytes(24).toString('base64url'),
    webhookSecretGenerated: webhookSecret === undefined,
    ...(e.SMSPARTNER_API_KEY ? { apiKey: e.SMSPARTNER_API_KEY } : {}),
    ...(e.SMSPARTNER_BASE_URL ? { baseUrl: e.SMSPARTNER_BASE_URL.replace(/\/+$/, '') } : {}),
    live: e.SMSPARTNER_LIVE ?? false,
    recordCallbacks: e.SMSPARTNER_RECORD_CALLBACKS ?? e.SMSPARTNER_API_KEY === undefined,
    databasePath: e.DATABASE_PATH ?? DEFAULT_DATABASE_PATH,
    warnings,
  };
}

export function backendOf(config: Pick<AppConfig, 'apiKey' | 'live'>): Backend {
  if (config.apiKey === undefined) return 'sandbox';
  return config.live ? 'smspartner-live' : 'smspartner-sandbox';
}
