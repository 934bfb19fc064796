import { z } from 'zod';

/** One API call, as the contract suite makes it and as a fixture records it (never the key). */
export const contractRequestSchema = z.strictObject({
  endpoint: z.string().regex(/^[a-z][a-z0-9/-]*$/, 'an endpoint path under /v1, e.g. vn/send'),
  method: z.enum(['GET', 'POST']),
  format: z.enum(['json', 'xml']).optional(),
  /**
   * Parameters besides the key. `"$message_id"` stands for the `message_id` the last `prepare`
   * call answered. An explicit `apiKey` (e.g. `""`) replaces the caller's key: error fixtures.
   */
  params: z.record(z.string(), z.unknown()),
});
export type ContractRequest = z.infer<typeof contractRequestSchema>;

/**
 * A recorded answer of the provider, with the request that produced it and the calls that must
 * come first (a send before its status). The provider's documented examples and the answers the
 * live suite records share this format: drop one in `fixtures/provider/` and the fixture test
 * holds the emulator to its shape.
 */
export const providerFixtureSchema = z.strictObject({
  description: z.string(),
  /** Where the answer comes from: a documentation page, or `live <host> <date>`. */
  source: z.string(),
  prepare: z.array(contractRequestSchema).optional(),
  request: contractRequestSchema,
  response: z.strictObject({
    status: z.number().int().min(100).max(599),
    /** The JSON answer, or the XML text for `format: 'xml'`. */
    body: z.union([z.record(z.string(), z.unknown()), z.string()]),
  }),
});
export type ProviderFixture = z.infer<typeof providerFixtureSchema>;

export interface ApiAnswer {
  status: number;
  /** The answer as text, exactly as received. */
  text: string;
  /** Parsed JSON object; the text itself for XML or anything that is not a JSON object. */
  body: Record<string, unknown> | string;
}

export type FetchLike = typeof fetch;

const MESSAGE_ID = '$message_id';

function substitute(value: unknown, messageId: unknown): unknown {
  if (value === MESSAGE_ID) return messageId ?? MESSAGE_ID;
  if (Array.isArray(value)) return value.map((item) => substitute(item, messageId));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substitute(item, messageId)]),
    );
  }
  return value;
}

/** The request with `"$message_id"` replaced by `messageId`. */
export function withMessageId(request: ContractRequest, messageId: unknown): ContractRequest {
  return { ...request, params: substitute(request.params, messageId) as ContractRequest['params'] };
}

function queryValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(queryValue).join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Makes one call. Never retried: a send whose answer is lost must not go twice. The URL of a GET
 * carries the key: it is never put in an error message.
 */
export async function callApi(
  target: { baseUrl: string; apiKey: string; fetch?: FetchLike | undefined; timeoutMs?: number },
  request: ContractRequest,
): Promise<ApiAnswer> {
  const params: Record<string, unknown> = { apiKey: target.apiKey, ...request.params };
  if (request.format === 'xml') params._format = 'xml';
  const url = new URL(`${target.baseUrl.replace(/\/+$/, '')}/${request.endpoint}`);
  const init: RequestInit = {
    method: request.method,
    headers: { accept: request.format === 'xml' ? 'application/xml' : 'application/json' },
    signal: AbortSignal.timeout(target.timeoutMs ?? 15_000),
  };
  if (request.method === 'GET') {
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) url.searchParams.set(key, queryValue(value));
    }
  } else {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(params);
  }
  let response: Response;
  try {
    response = await (target.fetch ?? fetch)(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(
      `${request.method} /${request.endpoint} did not get an answer (${(error as Error).name}: ${reason})`,
    );
  }
  const text = await response.text();
  let body: ApiAnswer['body'] = text;
  if (/^\s*\{/.test(text)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        body = parsed as Record<string, unknown>;
      }
    } catch {
      // not JSON: kept as text, the parser check reports it
    }
  }
  return { status: response.status, text, body };
}

/** Never let the emulator call a user's URL: callbacks are not part of an answer's shape. */
function forEmulator(request: ContractRequest): ContractRequest {
  const { urlDlr: _dlr, urlResponse: _response, ...params } = request.params;
  return { ...request, params };
}

/**
 * What the emulator answers to `request` after the `prepare` calls (e.g. the send whose status
 * is asked); `"$message_id"` is the emulator's own id from the last prepare call.
 */
export async function replayOnEmulator(
  emulator: { baseUrl: string; apiKey: string; fetch?: FetchLike | undefined },
  replay: { prepare?: ContractRequest[] | undefined; request: ContractRequest },
): Promise<ApiAnswer> {
  let messageId: unknown;
  for (const step of replay.prepare ?? []) {
    const answer = await callApi(emulator, forEmulator(withMessageId(step, messageId)));
    if (typeof answer.body === 'object' && answer.body.message_id !== undefined) {
      messageId = answer.body.message_id;
    }
  }
  return callApi(emulator, forEmulator(withMessageId(replay.request, messageId)));
}
