import {
  SmsPartnerApiError,
  SmsPartnerConfigError,
  SmsPartnerConnectionError,
  SmsPartnerError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerProtocolError,
  SmsPartnerValidationError,
} from './errors.js';
import { lazySchema } from './lazy-schema.js';
import { MAX_RESPONSE_BYTES, parseSendResponse, RATE_LIMITED, type SendResult } from './parse.js';
import { phoneNumberSchema } from './phone.js';
import { registerSecret } from './redact.js';
import { checkApiKey, joinUrl, sendRequestFromValid, validateSendParams } from './request.js';
import {
  type CancelResult,
  type Credits,
  type LookupResult,
  type MessageStatus,
  parseCancelResponse,
  parseCreditsResponse,
  parseLookupResponse,
  parseMessageStatusResponse,
  parseStatusesByTagResponse,
  parseStopAddResponse,
  parseStopListResponse,
  type StopListEntry,
  type TagStatus,
} from './responses.js';
import {
  clientOptionsSchema,
  DEFAULT_BASE_URL,
  parseConfigOptions,
  type SendParams,
  type SmsPartnerClientOptions,
  tagSchema,
  validate,
} from './schemas.js';
import { loadXmlSupport } from './xml.js';
import { expected, z } from './zod.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY = { retries: 2, minDelayMs: 250, maxDelayMs: 5_000 };
/** Failures that prove the request never reached a server: nothing can have been sent. */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const USER_AGENT = 'smspartner-kit-core';
/**
 * Ports every standard `fetch` refuses to connect to (the Fetch standard's "bad port" list): a
 * base URL on one of them can never work, so it is a configuration error, found at construction.
 */
const BAD_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);
/** The provider's limit of numbers per `/lookup` request. */
const LOOKUP_BATCH = 500;
/** Pages of `/bulk-status-by-tag` followed at most: a provider that never stops paging is an error, not a hang. */
const MAX_TAG_PAGES = 10_000;

type Env = Record<string, string | undefined>;
const env = (): Env => (globalThis as { process?: { env?: Env } }).process?.env ?? {};

/** `send` parameters as the client takes them: `from` may come from the client options. */
export type ClientSendParams = Omit<SendParams, 'from'> & { from?: string };

interface Call {
  /** Human label for errors, never containing the URL's query string. */
  label: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  json?: Record<string, unknown>;
  accept?: string;
  /** Reads retry 429/5xx/network errors; writes retry only when the request provably never left. */
  mode: 'read' | 'write';
  context?: { tag?: string; to?: string };
}

interface Answer {
  status: number;
  text: string;
}

const idSchema = lazySchema(() =>
  z.union(
    [
      z
        .number()
        .check(
          z.refine((n) => Number.isSafeInteger(n) && n >= 0, 'must be a whole number, 0 or more'),
        ),
      z
        .string()
        .check(
          z.trim(),
          z.minLength(1, 'must not be empty'),
          z.maxLength(100, 'must be at most 100 characters'),
          z.regex(/^[\w.:-]+$/, 'may contain only letters, digits, _ . : -'),
        ),
    ],
    expected('a number or a non-empty string'),
  ),
);

type Failure = { code?: unknown; errors?: unknown; cause?: unknown };

/** The error and its causes, outermost first (at most 5: a cycle is not followed forever). */
function causeChain(error: unknown): Failure[] {
  const chain: Failure[] = [];
  for (let c = error; c && typeof c === 'object' && chain.length < 5; c = (c as Failure).cause) {
    chain.push(c);
  }
  return chain;
}

const neverSent = (code: unknown): code is string =>
  typeof code === 'string' && NEVER_SENT_CODES.has(code);

/** The code proving the request never left (`ECONNREFUSED`…), looked up along `cause` chains. */
export function connectCode(error: unknown): string | undefined {
  for (const { code, errors } of causeChain(error)) {
    if (neverSent(code)) return code;
    // Happy eyeballs: every address refused.
    if (Array.isArray(errors) && errors.length > 0) {
      const codes = errors.map((e) => (e as Failure | null)?.code);
      if (codes.every(neverSent)) return codes[0] as string;
    }
  }
  return undefined;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = causeChain(error).find((c) => typeof c.code === 'string')?.code as string;
  return code ?? (error instanceof Error ? error.message : 'network error');
}

/** undici's refusal of a blocked port: `TypeError('fetch failed', { cause: Error('bad port') })`. */
function isBadPort(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error && cause.message === 'bad port';
}

/** Where a redirect points, without its query string (which may echo the key). */
function redirectTarget(response: Response, from: URL): string {
  const location = response.headers.get('location');
  if (location === null) return 'an undisclosed address';
  try {
    const target = new URL(location, from);
    return `${target.origin}${target.pathname}`;
  } catch {
    return 'an unreadable address';
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined; // an HTTP date starts with the day name
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The answer's text, refused past MAX_RESPONSE_BYTES without buffering the rest. */
async function readLimited(response: Response): Promise<string> {
  if (!response.body) return typeof response.text === 'function' ? response.text() : '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (let total = 0; ; ) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new SmsPartnerProtocolError('Answer larger than 1 MB refused', {
        httpStatus: response.status,
      });
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * SMS Partner long-number API client. Validates before any network call, never sends an SMS twice,
 * and never lets the API key into an error, a log line or `util.inspect`.
 */
export class SmsPartnerClient {
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #format: 'json' | 'xml';
  readonly #sandbox: boolean | undefined;
  readonly #fetch: typeof fetch;
  readonly #retry: { retries: number; minDelayMs: number; maxDelayMs: number };
  readonly #userAgent: string;
  readonly #from: string | undefined;

  /** Stop list (numbers that must not receive SMS). */
  readonly stopList: {
    list(): Promise<StopListEntry[]>;
    add(phoneNumber: string): Promise<{ stopId: string }>;
    remove(id: string | number): Promise<void>;
  };

  constructor(options: SmsPartnerClientOptions = {}) {
    if (!options || typeof options !== 'object' || Array.isArray(options)) {
      throw new SmsPartnerConfigError('SmsPartnerClient options must be an object');
    }
    const o = parseConfigOptions(clientOptionsSchema, options, 'SmsPartnerClient');
    this.#apiKey = checkApiKey(o.apiKey ?? env().SMSPARTNER_API_KEY);
    registerSecret(this.#apiKey);
    const baseUrl = o.baseUrl ?? env().SMSPARTNER_BASE_URL ?? DEFAULT_BASE_URL;
    if (o.baseUrl === undefined && baseUrl !== DEFAULT_BASE_URL) {
      validate(
        clientOptionsSchema.shape.baseUrl,
        baseUrl,
        'SMSPARTNER_BASE_URL',
        'Invalid environment',
      );
    }
    const port = new URL(baseUrl).port;
    if (port !== '' && BAD_PORTS.has(Number(port))) {
      const field = o.baseUrl === undefined ? 'SMSPARTNER_BASE_URL' : 'baseUrl';
      throw new SmsPartnerConfigError(
        `Invalid ${field}: port ${port} is one that fetch refuses to connect to (the Fetch standard's "bad ports"); use another port`,
        [{ field, message: `port ${port} is blocked by fetch` }],
      );
    }
    this.#baseUrl = baseUrl;
    this.#timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#format = o.format ?? 'json';
    this.#sandbox = o.sandbox;
    const fetchImpl = o.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') {
      throw new SmsPartnerConfigError('No fetch available: pass { fetch }');
    }
    this.#fetch = fetchImpl;
    this.#retry =
      o.retry === false ? { ...DEFAULT_RETRY, retries: 0 } : { ...DEFAULT_RETRY, ...o.retry };
    this.#userAgent = o.userAgent ? `${USER_AGENT} ${o.userAgent}` : USER_AGENT;
    this.#from = o.from;
    this.stopList = {
      list: () =>
        this.#request(
          { label: 'stopList.list', method: 'GET', path: '/stop-sms/list', mode: 'read' },
          parseStopListResponse,
        ),
      add: async (phoneNumber: string) => {
        const phone = validate(
          phoneNumberSchema,
          phoneNumber,
          'phoneNumber',
          'Invalid stopList.add argument',
        );
        return this.#request(
          {
            label: 'stopList.add',
            method: 'POST',
            path: '/stop-sms/add',
            json: { apiKey: this.#apiKey, phoneNumber: phone, _format: 'json' },
            mode: 'write',
            context: { to: phone },
          },
          parseStopAddResponse,
        );
      },
      remove: async (id: string | number) => {
        const valid = validate(idSchema, id, 'id', 'Invalid stopList.remove argument');
        await this.#request(
          {
            label: 'stopList.remove',
            method: 'GET',
            path: '/stop-sms/delete',
            query: { id: String(valid) },
            mode: 'write',
          },
          parseCancelResponse,
        );
      },
    };
  }

  /** Options as they apply, the API key masked. */
  toJSON(): Record<string, unknown> {
    return {
      apiKey: '***',
      baseUrl: this.#baseUrl,
      timeoutMs: this.#timeoutMs,
      format: this.#format,
      sandbox: this.#sandbox,
      retry: this.#retry,
      userAgent: this.#userAgent,
      from: this.#from,
    };
  }

  [INSPECT](): string {
    return `SmsPartnerClient ${JSON.stringify(this.toJSON())}`;
  }

  toString(): string {
    return this[INSPECT]();
  }

  /**
   * `POST /vn/send`. Retried only when the request provably never left; a timeout, reset or
   * unreadable answer throws SmsPartnerOutcomeUnknownError (with `tag` and `to`) — the SMS may
   * have gone, so the SDK does not retry.
   */
  async send(params: ClientSendParams): Promise<SendResult> {
    if (!params || typeof params !== 'object' || Array.isArray(params)) {
      throw new SmsPartnerValidationError([
        { field: '', message: 'send parameters must be an object' },
      ]);
    }
    let valid: SendParams;
    try {
      valid = validateSendParams({
        ...params,
        from: params.from ?? this.#from,
        sandbox: params.sandbox ?? this.#sandbox,
        format: params.format ?? this.#format,
      });
    } catch (error) {
      if (
        error instanceof SmsPartnerValidationError &&
        params.from === undefined &&
        this.#from === undefined
      ) {
        const issues = error.issues.map((issue) =>
          issue.field === 'from'
            ? {
                field: 'from',
                message: 'is required: pass it to send() or set `from` in the client options',
              }
            : issue,
        );
        throw new SmsPartnerValidationError(issues, 'Invalid send parameters');
      }
      throw error;
    }
    const request = sendRequestFromValid(valid, { apiKey: this.#apiKey, baseUrl: this.#baseUrl });
    const context = { to: valid.to, ...(valid.tag === undefined ? {} : { tag: valid.tag }) };
    const answer = await this.#call({
      label: 'send',
      method: 'POST',
      path: '/vn/send',
      json: JSON.parse(request.body) as Record<string, unknown>,
      accept: request.headers.accept,
      mode: 'write',
      context,
    });
    try {
      // A bare 429 is a refusal (nothing was queued): reported as an API error by #parse.
      return this.#parse(answer, (body, opts) =>
        parseSendResponse(body, { ...opts, format: valid.format }),
      );
    } catch (error) {
      if (!(error instanceof SmsPartnerProtocolError)) throw error;
      throw new SmsPartnerOutcomeUnknownError(
        `SMS Partner answered the send request with something unreadable (HTTP ${answer.status}); the SMS may have been sent — reconcile with error.tag / error.to before resending`,
        { ...context, cause: error },
      );
    }
  }

  /** Parse an answer; a bare 429 (no provider body) is reported as a rate-limit refusal. */
  #parse<T>(answer: Answer, parse: (body: string, opts: { status: number }) => T): T {
    try {
      return parse(answer.text, { status: answer.status });
    } catch (error) {
      if (error instanceof SmsPartnerProtocolError && answer.status === 429) {
        throw new SmsPartnerApiError({
          code: 429,
          meaning: RATE_LIMITED,
          httpStatus: 429,
          raw: error.snippet,
        });
      }
      throw error;
    }
  }

  /** One call and the parsing of its answer. */
  async #request<T>(call: Call, parse: (body: string, opts: { status: number }) => T): Promise<T> {
    return this.#parse(await this.#call(call), parse);
  }

  /** `GET /me`: credits and balance as numbers. */
  async getCredits(): Promise<Credits> {
    return this.#request(
      { label: 'getCredits', method: 'GET', path: '/me', mode: 'read' },
      parseCreditsResponse,
    );
  }

  /** `GET /message-status`: one normalised status (`statut`/`status`, ids, dates, money). */
  async getMessageStatus(query: {
    messageId: string | number;
    phoneNumber: string;
  }): Promise<MessageStatus> {
    const q = validate(
      z.strictObject({ messageId: idSchema, phoneNumber: phoneNumberSchema }),
      query,
      'query',
      'Invalid getMessageStatus query',
    );
    const status = await this.#request(
      {
        label: 'getMessageStatus',
        method: 'GET',
        path: '/message-status',
        query: { messageId: String(q.messageId), phoneNumber: q.phoneNumber },
        mode: 'read',
      },
      parseMessageStatusResponse,
    );
    return status.phoneNumber === '' ? { ...status, phoneNumber: q.phoneNumber } : status;
  }

  /** `GET /message-cancel`: cancel a scheduled SMS (not less than 5 minutes before it goes). */
  async cancelScheduled(messageId: string | number): Promise<CancelResult> {
    const id = validate(idSchema, messageId, 'messageId', 'Invalid cancelScheduled argument');
    return this.#request(
      {
        label: 'cancelScheduled',
        method: 'GET',
        path: '/message-cancel',
        query: { messageId: String(id) },
        mode: 'write',
      },
      parseCancelResponse,
    );
  }

  /**
   * `GET /bulk-status-by-tag`: the status of every SMS sent under `tag`, following the pages
   * (`page=1, 2, …`; the parameter name and whether `total` counts entries or pages are
   * UNCONFIRMED, so it stops at whichever comes first, or at an empty page). A provider that
   * repeats a page, answers another page than the one asked, or pages more than 10,000 times
   * gets an SmsPartnerProtocolError instead of a loop or duplicated entries. The way to find
   * what a send with an unknown outcome produced.
   */
  async getStatusesByTag(tag: string): Promise<TagStatus[]> {
    const valid = validate(tagSchema, tag, 'tag', 'Invalid getStatusesByTag argument');
    const statuses: TagStatus[] = [];
    let previous = '';
    for (let page = 1; page <= MAX_TAG_PAGES; page++) {
      const answer = await this.#call({
        label: 'getStatusesByTag',
        method: 'GET',
        path: '/bulk-status-by-tag',
        query: { tag: valid, page: String(page) },
        mode: 'read',
      });
      const {
        statuses: found,
        currentPage,
        total,
      } = this.#parse(answer, parseStatusesByTagResponse);
      if (currentPage !== undefined && currentPage !== page) {
        // Past the last page, a provider may answer that page again: fine once all is read.
        if (total !== undefined && statuses.length >= total) return statuses;
        throw new SmsPartnerProtocolError(
          `getStatusesByTag asked for page ${page} and SMS Partner answered page ${currentPage}`,
          { httpStatus: answer.status },
        );
      }
      if (found.length === 0) return statuses;
      const signature = JSON.stringify(found.map((s) => s.raw));
      if (signature === previous) {
        throw new SmsPartnerProtocolError(
          `getStatusesByTag: SMS Partner answered page ${page} with the same entries as page ${page - 1}`,
          { httpStatus: answer.status },
        );
      }
      previous = signature;
      statuses.push(...found);
      if (total === undefined) {
        if (currentPage === undefined) return statuses; // no paging information: one page
      } else if (currentPage === undefined ? statuses.length >= total : currentPage >= total) {
        // currentPage ≥ total ends both readings of total: every page so far had an entry.
        return statuses;
      }
    }
    throw new SmsPartnerProtocolError(
      `getStatusesByTag: SMS Partner was still paging after ${MAX_TAG_PAGES} pages`,
    );
  }

  /**
   * `POST /lookup` (free): the provider's reading of each number (valid, type, country, formats),
   * in the order given. Numbers are validated and normalised first (a bad one is a
   * SmsPartnerValidationError naming `numbers.<index>`, nothing sent) and sent 500 per request.
   */
  async lookup(numbers: string[]): Promise<LookupResult[]> {
    const valid = validate(
      z.array(phoneNumberSchema, { error: 'must be a list of phone numbers' }),
      numbers,
      'numbers',
      'Invalid lookup argument',
    );
    const results: LookupResult[] = [];
    for (let start = 0; start < valid.length; start += LOOKUP_BATCH) {
      const chunk = valid.slice(start, start + LOOKUP_BATCH);
      const found = await this.#request(
        {
          label: 'lookup',
          method: 'POST',
          path: '/lookup',
          // The provider documents a comma-separated string of numbers in international form.
          json: {
            apiKey: this.#apiKey,
            phoneNumbers: chunk.map((n) => `+${n}`).join(','),
            _format: 'json',
          },
          mode: 'read', // free and changes nothing: safe to retry
        },
        parseLookupResponse,
      );
      results.push(...found);
    }
    return results;
  }

  /** One HTTP exchange with the retry rules; the URL (which may carry the key) never leaves here. */
  async #call(call: Call): Promise<Answer> {
    const url = new URL(joinUrl(this.#baseUrl, call.path));
    if (call.method === 'GET') {
      url.searchParams.set('apiKey', this.#apiKey);
      for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, value);
      url.searchParams.set('_format', 'json');
    }
    const headers: Record<string, string> = {
      accept: call.accept ?? 'application/json',
      'user-agent': this.#userAgent,
    };
    if (call.json) headers['content-type'] = 'application/json';
    const { retries, minDelayMs, maxDelayMs } = this.#retry;
    const backoff = (attempt: number) =>
      Math.random() * Math.min(maxDelayMs, minDelayMs * 2 ** attempt);

    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let response: Response;
      try {
        response = await this.#fetch(url.toString(), {
          method: call.method,
          headers,
          body: call.json ? JSON.stringify(call.json) : undefined,
          signal: AbortSignal.timeout(this.#timeoutMs),
          // Never followed: the key (query or body) would go wherever the server points.
          redirect: 'manual',
        });
      } catch (error) {
        if (isBadPort(error)) {
          throw new SmsPartnerConfigError(
            `SMS Partner ${call.label}: fetch refuses the port of baseUrl ("bad port"); nothing was sent`,
            [{ field: 'baseUrl', message: 'port is blocked by fetch' }],
          );
        }
        const code = connectCode(error);
        if (code === undefined && call.mode === 'write') throw this.#unknownOutcome(call, error);
        if (!last) {
          await sleep(backoff(attempt));
          continue;
        }
        throw new SmsPartnerConnectionError(
          code === undefined
            ? `SMS Partner ${call.label} failed after ${attempt + 1} attempt(s): ${describeFailure(error, this.#timeoutMs)}`
            : `Could not reach SMS Partner for ${call.label} (${code}) after ${attempt + 1} attempt(s); nothing was sent`,
          { cause: error },
        );
      }

      if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
        await response.body?.cancel().catch(() => undefined);
        throw new SmsPartnerProtocolError(
          `SMS Partner ${call.label} answered with a redirect to ${redirectTarget(response, url)}; redirects are not followed (the API key would go with them): point baseUrl at the final address`,
          { httpStatus: response.status },
        );
      }
      const retryable = call.mode === 'read' && (response.status === 429 || response.status >= 500);
      if (retryable && !last) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter === undefined || retryAfter <= maxDelayMs) {
          await response.body?.cancel().catch(() => undefined);
          await sleep(retryAfter ?? backoff(attempt));
          continue;
        }
      }
      try {
        const text = await readLimited(response);
        // The synchronous parsers need the XML reader loaded before they meet an XML answer.
        if (/^\uFEFF?\s*</.test(text)) await loadXmlSupport();
        return { status: response.status, text };
      } catch (error) {
        if (call.mode === 'write') throw this.#unknownOutcome(call, error);
        if (error instanceof SmsPartnerError) throw error;
        if (!last) {
          await sleep(backoff(attempt));
          continue;
        }
        throw new SmsPartnerConnectionError(
          `SMS Partner ${call.label} failed while reading the answer after ${attempt + 1} attempt(s): ${describeFailure(error, this.#timeoutMs)}`,
          { cause: error },
        );
      }
    }
  }

  #unknownOutcome(call: Call, cause: unknown): SmsPartnerOutcomeUnknownError {
    const reason = describeFailure(cause, this.#timeoutMs);
    return new SmsPartnerOutcomeUnknownError(
      `SMS Partner ${call.label}: the request may have been received but no answer came back (${reason}); it was not retried — reconcile${call.context?.tag ? ` using tag "${call.context.tag}"` : ''} before trying again`,
      { ...call.context, cause },
    );
  }
}

/** Same as `new SmsPartnerClient(options)`. */
export function createClient(options?: SmsPartnerClientOptions): SmsPartnerClient {
  return new SmsPartnerClient(options);
}
