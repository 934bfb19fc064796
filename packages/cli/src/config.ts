import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  createClient,
  phoneNumberSchema,
  type SmsPartnerClient,
  SmsPartnerConfigError,
} from '@smspartner-kit/core';
import { toFieldIssues } from '@smspartner-kit/core/internal';
// zod/mini, as core: the full zod would be parsed at every start of the binary.
import * as z from 'zod/mini';
import { UsageError } from './errors.js';

/** What a config file may hold (JSON). Unknown keys are refused, so a typo is not ignored. */
export const configFileSchema = z.strictObject({
  apiKey: z.optional(z.string().check(z.minLength(1))),
  baseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  from: z.optional(phoneNumberSchema),
  /** Price of one SMS, to turn predicted segments into money. */
  price: z.optional(z.number().check(z.gte(0))),
  currency: z.optional(z.string().check(z.minLength(1), z.maxLength(10))),
});

export type ConfigFile = z.output<typeof configFileSchema>;

export interface GlobalFlags {
  apiKey?: string;
  baseUrl?: string;
  config?: string;
  json?: boolean;
  color?: boolean;
}

export interface Settings {
  apiKey?: string;
  baseUrl?: string;
  from?: string;
  price?: number;
  currency: string;
  /** Where the file settings came from, if any (for messages). */
  configPath?: string;
}

/** `$XDG_CONFIG_HOME/smspartner/config.json`, else `~/.config/smspartner/config.json`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'smspartner', 'config.json');
}

function readConfigFile(path: string, explicit: boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!explicit && code === 'ENOENT') return {};
    throw new UsageError(`cannot read config file ${path} (${code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`config file ${path} is not valid JSON`);
  }
  const parsed = configFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error, Object.keys(configFileSchema.shape));
    throw new SmsPartnerConfigError(
      `Invalid config file ${path}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}

/** Flags > environment > config file. */
export function resolveSettings(
  flags: GlobalFlags & { from?: string; price?: number },
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const configPath = flags.config ?? defaultConfigPath(env);
  const file = readConfigFile(configPath, flags.config !== undefined);
  return {
    apiKey: flags.apiKey ?? (env.SMSPARTNER_API_KEY || undefined) ?? file.apiKey,
    baseUrl: flags.baseUrl ?? (env.SMSPARTNER_BASE_URL || undefined) ?? file.baseUrl,
    from: flags.from ?? (env.SMSPARTNER_FROM || undefined) ?? file.from,
    price: flags.price ?? file.price,
    currency: file.currency ?? 'EUR',
    configPath,
  };
}

/** The core client, or a clear error naming the three places an API key can come from. */
export function clientFrom(settings: Settings): SmsPartnerClient {
  if (!settings.apiKey) {
    throw new UsageError(
      `no API key: pass --api-key, set SMSPARTNER_API_KEY, or put "apiKey" in ${settings.configPath ?? defaultConfigPath()}`,
    );
  }
  return createClient({
    apiKey: settings.apiKey,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...(settings.from ? { from: settings.from } : {}),
    userAgent: 'smspartner-cli',
  });
}
