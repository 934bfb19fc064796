import { SmsPartnerConfigError } from './errors.js';
import { redact } from './redact.js';
import {
  DEFAULT_BASE_URL,
  isHttpUrl,
  type SendParams,
  sendParamsSchema,
  validate,
} from './schemas.js';
import { LINE_BREAK_TOKEN } from './segments/replacements.js';
import { toProviderSchedule } from './time.js';

export interface SendRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** `baseUrl` + `path`, with exactly one slash between them. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function checkApiKey(apiKey: unknown): string {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new SmsPartnerConfigError(
      'SMS Partner API key missing: pass { apiKey } or set SMSPARTNER_API_KEY',
      [{ field: 'apiKey', message: 'apiKey is required (a non-empty string)' }],
    );
  }
  return apiKey;
}

/**
 * Attach a redacted JSON/inspect view so that logging the request object (a common habit) never
 * prints the API key that the body carries.
 */
export function withRedactedView<T extends { url: string; body?: string }>(request: T): T {
  // The key is masked in the URL's query (apiKey=…) as anywhere else.
  const view = () => ({
    ...request,
    url: redact(request.url),
    ...(request.body === undefined ? {} : { body: redact(request.body) }),
  });
  Object.defineProperty(request, 'toJSON', { value: view, enumerable: false });
  Object.defineProperty(request, INSPECT, { value: view, enumerable: false });
  return request;
}

/** Validated, normalised send parameters (phone numbers in international digits, no `+`). */
export function validateSendParams(params: unknown): SendParams {
  return validate(sendParamsSchema, params, '', 'Invalid send parameters');
}

/** Build the provider body from already-validated parameters. */
export function sendRequestFromValid(
  params: SendParams,
  config: { apiKey: string; baseUrl?: string },
): SendRequest {
  const format = params.format ?? 'json';
  // Fields left undefined are left out by JSON.stringify.
  const body = {
    apiKey: config.apiKey,
    to: params.to,
    from: params.from,
    // The provider documents `:br:` as its line break; what it does with a raw newline is not
    // documented, so we send the token the segment count already assumed.
    message: params.message.replace(/\r\n|\r|\n/g, LINE_BREAK_TOKEN),
    tag: params.tag,
    isStopSms: params.isStopSms ? 1 : undefined,
    urlResponse: params.urlResponse,
    urlDlr: params.urlDlr,
    sandbox: params.sandbox ? 1 : undefined,
    ...(params.scheduledAt && toProviderSchedule(params.scheduledAt)),
    _format: format,
  };
  return withRedactedView({
    method: 'POST' as const,
    url: joinUrl(config.baseUrl ?? DEFAULT_BASE_URL, '/vn/send'),
    headers: {
      'content-type': 'application/json',
      accept: format === 'xml' ? 'application/xml' : 'application/json',
    },
    body: JSON.stringify(body),
  });
}

/**
 * Pure: validates `params` (throws SmsPartnerValidationError naming every bad field) and returns
 * the `POST {baseUrl}/vn/send` request. The API key travels in the JSON body, never in the URL.
 */
export function buildSendRequest(
  params: SendParams,
  config: { apiKey: string; baseUrl?: string },
): SendRequest {
  const apiKey = checkApiKey(config?.apiKey);
  const baseUrl = config.baseUrl ?? DEFAULT_BASE_URL;
  if (!isHttpUrl(baseUrl)) {
    throw new SmsPartnerConfigError('Invalid baseUrl', [
      { field: 'baseUrl', message: 'baseUrl must be an absolute http:// or https:// URL' },
    ]);
  }
  return sendRequestFromValid(validateSendParams(params), { apiKey, baseUrl });
}
