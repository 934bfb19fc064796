import {
  countSegments,
  DEFAULT_BASE_URL,
  parseApiResponse,
  parseCreditsResponse,
  parseLookupResponse,
  parseMessageStatusResponse,
  parseSendResponse,
  parseStatusesByTagResponse,
  parseStopListResponse,
  phoneNumberSchema,
  SmsPartnerApiError,
} from '@smspartner-kit/core';
import { parseConfigOptions } from '@smspartner-kit/core/internal';
import { z } from 'zod';
import { startSandbox } from '../server.js';
import { createRedactor } from './redact.js';
import {
  type ApiAnswer,
  type ContractRequest,
  callApi,
  type FetchLike,
  replayOnEmulator,
  withMessageId,
} from './requests.js';
import { compareShapes, type ShapeComparison, type ShapeDifference } from './shape.js';
import { readPositionalXml } from './xml.js';

const fetchSchema = z.custom<FetchLike>(
  (value) => typeof value === 'function',
  'must be a function',
);

export const contractOptionsSchema = z.strictObject({
  /** The account's API key (`SMSPARTNER_API_KEY`). Never printed, never saved. */
  apiKey: z.string().trim().min(1, 'must not be empty'),
  /** `SMSPARTNER_BASE_URL`; default the provider's. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Your virtual number (`SMSPARTNER_FROM`): the sends need it, sandboxed or not. */
  from: z.optional(phoneNumberSchema),
  /** Your own mobile (`SMSPARTNER_LIVE_TO`): recipient of the one real send. */
  liveTo: z.optional(phoneNumberSchema),
  /** Make the one real send to `liveTo` (billed). Off by default. */
  allowCost: z.boolean().optional(),
  /** `SMSPARTNER_PUBLIC_URL`: where the real send's receipt and replies go (`urlDlr`/`urlResponse`). */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Replaces global fetch (tests, proxies). */
  fetch: fetchSchema.optional(),
  /** A running emulator to compare with; default an in-process `startSandbox()`. */
  emulator: z
    .strictObject({
      baseUrl: z.url({ protocol: /^https?$/ }),
      apiKey: z.string().min(1).optional(),
    })
    .optional(),
  /** Per call; default 15,000 ms. */
  timeoutMs: z.number().int().positive().optional(),
});
export type ContractOptions = z.input<typeof contractOptionsSchema>;

/** Billed parts against core's prediction for the text sent. */
export interface BillingCheck {
  characters: number;
  isStopSms: boolean;
  /** `countSegments(text, { isStopSms })`. */
  predicted: number;
  /** The answer's `nb_sms`, when readable. */
  billed?: number;
  /** What other readings of the text would be billed, to tell why a count differs. */
  otherwise: { withoutStopMention?: number; withStopMention?: number; withoutReplacements: number };
  ok: boolean;
}

export interface ContractStepResult {
  step: string;
  title: string;
  outcome: 'passed' | 'failed' | 'skipped';
  skipReason?: string;
  /** True for the one real (billed) send and what depends on it. */
  costly: boolean;
  /** Calls the emulator needs first (the live side uses its own earlier answers). */
  prepare?: ContractRequest[];
  request: ContractRequest;
  live?: { status: number; body: Record<string, unknown> | string };
  emulator?: { status: number; body: Record<string, unknown> | string };
  /** (a) core's parser accepted the live answer. */
  parser?: { ok: boolean; error?: string };
  /** (b) keys and value types that differ between the live answer and the emulator's. */
  differences: ShapeDifference[];
  /** Lists that could not be compared element by element (one side empty). */
  unchecked: string[];
  /** (c) for sends. */
  billing?: BillingCheck;
  /** Why the step failed, one readable sentence each. */
  problems: string[];
}

export interface ContractReport {
  ok: boolean;
  baseUrl: string;
  startedAt: string;
  finishedAt: string;
  /** A billed send was made (`allowCost` and `liveTo`). */
  realSend: boolean;
  steps: ContractStepResult[];
  counts: { passed: number; failed: number; skipped: number };
}

/** Default recipient of sandboxed sends: 06 39 98 xx xx is reserved by ARCEP for fiction. */
export const FICTIONAL_NUMBER = '33639980042';
/** Put on the emulator's stop list so its list has an entry to compare; never sent to. */
const FICTIONAL_STOPPED = '33639980099';
const EMULATOR_KEY = 'contract-emulator-key';

const SANDBOX_TEXT = 'Contract check by smspartner-kit: sandbox=1, nothing is delivered. '
  .repeat(3)
  .slice(0, 150);
const REPLACEMENTS_TEXT =
  'Rendez-vous confirmé à l’accueil « Cœur de ville » demain à 10h : répondez OUI pour confirmer, NON sinon.';
const LIVE_TEXT =
  'smspartner-kit contract check: this real SMS checks billing and the delivery receipt. Reply to it to test replies.';

type Parse = (
  answer: ApiAnswer,
  request: ContractRequest,
) => { nbSms?: number; creditSms?: number };

interface Plan {
  step: string;
  title: string;
  costly?: boolean;
  prepare?: ContractRequest[];
  request: ContractRequest;
  parse: Parse;
  billing?: { text: string; isStopSms: boolean };
  /** Step whose live `message_id` fills `"$message_id"`. */
  messageIdFrom?: string;
  skip?: string | undefined;
}

const opts = (answer: ApiAnswer, request: ContractRequest) => ({
  status: answer.status,
  format: request.format ?? ('json' as const),
});

const parseSend: Parse = (answer, request) => ({
  nbSms: parseSendResponse(answer.text, opts(answer, request)).nbSms,
});

function expectApiError(code: number): Parse {
  return (answer, request) => {
    try {
      parseApiResponse(answer.text, opts(answer, request));
    } catch (error) {
      if (error instanceof SmsPartnerApiError && error.code === code) return {};
      throw error;
    }
    throw new Error(`expected error code ${code}, the answer says success`);
  };
}

function billingCheck(text: string, isStopSms: boolean, billed: number | undefined): BillingCheck {
  const predicted = countSegments(text, { isStopSms }).segments;
  return {
    characters: [...text].length,
    isStopSms,
    predicted,
    ...(billed === undefined ? {} : { billed }),
    otherwise: {
      ...(isStopSms
        ? { withoutStopMention: countSegments(text).segments }
        : { withStopMention: countSegments(text, { isStopSms: true }).segments }),
      withoutReplacements: countSegments(text, { isStopSms, replacements: 'none' }).segments,
    },
    ok: billed === predicted,
  };
}

/** Shape comparison of a recorded answer with what the emulator answers to the same request. */
export function compareAnswers(
  request: ContractRequest,
  live: ApiAnswer['body'],
  emulator: ApiAnswer['body'],
): ShapeComparison {
  if (request.format === 'xml') {
    const read = (body: ApiAnswer['body']) => {
      try {
        return typeof body === 'string' ? readPositionalXml(body) : 'JSON instead of XML';
      } catch (error) {
        return `invalid XML (${(error as Error).message})`;
      }
    };
    const a = read(live);
    const b = read(emulator);
    if (typeof a === 'string' || typeof b === 'string') {
      return {
        differences: [
          {
            path: '(root)',
            live: typeof a === 'string' ? a : 'xml',
            emulator: typeof b === 'string' ? b : 'xml',
          },
        ],
        unchecked: [],
      };
    }
    return compareShapes(a, b, { positional: true });
  }
  if (typeof live === 'string' || typeof emulator === 'string') {
    const kind = (body: ApiAnswer['body']) => (typeof body === 'string' ? 'not JSON' : 'object');
    return kind(live) === kind(emulator)
      ? { differences: [], unchecked: [] }
      : {
          differences: [{ path: '(root)', live: kind(live), emulator: kind(emulator) }],
          unchecked: [],
        };
  }
  return compareShapes(live, emulator);
}

function plans(o: z.output<typeof contractOptionsSchema>, tag: string): Plan[] {
  const to = o.liveTo ?? FICTIONAL_NUMBER;
  const noFrom = o.from
    ? undefined
    : 'SMSPARTNER_FROM (your virtual number) is not set: sends need it';
  const send = (message: string, extra: Record<string, unknown> = {}): ContractRequest => ({
    endpoint: 'vn/send',
    method: 'POST',
    params: { to, from: o.from ?? '', message, tag, sandbox: 1, ...extra },
  });
  const firstSend = send(SANDBOX_TEXT);
  const costSkip = !o.allowCost
    ? o.liveTo
      ? 'one real send is billed: pass --allow-cost (allowCost: true) to make it'
      : 'no real send: set SMSPARTNER_LIVE_TO=<your own number> and pass --allow-cost'
    : !o.liveTo
      ? 'SMSPARTNER_LIVE_TO (your own number) is not set'
      : noFrom;
  const liveSend: ContractRequest = {
    endpoint: 'vn/send',
    method: 'POST',
    params: {
      to: o.liveTo ?? '',
      from: o.from ?? '',
      message: LIVE_TEXT,
      tag,
      ...(o.publicUrl ? { urlDlr: o.publicUrl, urlResponse: o.publicUrl } : {}),
    },
  };
  const me: ContractRequest = { endpoint: 'me', method: 'GET', params: {} };
  const creditsParse: Parse = (answer, request) => ({
    creditSms: parseCreditsResponse(answer.text, opts(answer, request)).creditSms,
  });
  return [
    { step: 'me', title: 'account and credits (free)', request: me, parse: creditsParse },
    {
      step: 'error-no-key',
      title: 'error answer: empty API key (free)',
      request: { endpoint: 'me', method: 'GET', params: { apiKey: '' } },
      parse: expectApiError(1),
    },
    {
      step: 'lookup',
      title: 'number format lookup (free)',
      request: { endpoint: 'lookup', method: 'POST', params: { phoneNumbers: `+${to}` } },
      parse: (answer, request) => {
        parseLookupResponse(answer.text, opts(answer, request));
        return {};
      },
    },
    {
      step: 'send-sandbox',
      title: 'send with sandbox=1, 150 characters (free)',
      request: firstSend,
      parse: parseSend,
      billing: { text: SANDBOX_TEXT, isStopSms: false },
      skip: noFrom,
    },
    {
      step: 'send-sandbox-stop',
      title: 'same text with isStopSms=1: the mention makes 2 SMS (free)',
      request: send(SANDBOX_TEXT, { isStopSms: 1 }),
      parse: parseSend,
      billing: { text: SANDBOX_TEXT, isStopSms: true },
      skip: noFrom,
    },
    {
      step: 'send-sandbox-replacements',
      title: 'text with ’ « » œ, GSM-7 only after the replacement table (free)',
      request: send(REPLACEMENTS_TEXT),
      parse: parseSend,
      billing: { text: REPLACEMENTS_TEXT, isStopSms: false },
      skip: noFrom,
    },
    {
      step: 'send-sandbox-xml',
      title: 'send with sandbox=1, XML answer (free)',
      request: { ...send('Contract check (XML)'), format: 'xml' },
      parse: parseSend,
      billing: { text: 'Contract check (XML)', isStopSms: false },
      skip: noFrom,
    },
    {
      step: 'message-status',
      title: 'status of the sandboxed send (free)',
      prepare: [firstSend],
      request: {
        endpoint: 'message-status',
        method: 'GET',
        params: { messageId: '$message_id', phoneNumber: to },
      },
      messageIdFrom: 'send-sandbox',
      parse: (answer, request) => {
        parseMessageStatusResponse(answer.text, opts(answer, request));
        return {};
      },
    },
    {
      step: 'bulk-status-by-tag',
      title: 'statuses of this run’s tag (free)',
      prepare: [firstSend],
      request: { endpoint: 'bulk-status-by-tag', method: 'GET', params: { tag } },
      parse: (answer, request) => {
        parseStatusesByTagResponse(answer.text, opts(answer, request));
        return {};
      },
    },
    {
      step: 'stop-list',
      title: 'stop list (free, read only)',
      prepare: [
        { endpoint: 'stop-sms/add', method: 'POST', params: { phoneNumber: FICTIONAL_STOPPED } },
      ],
      request: { endpoint: 'stop-sms/list', method: 'GET', params: {} },
      parse: (answer, request) => {
        parseStopListResponse(answer.text, opts(answer, request));
        return {};
      },
    },
    {
      step: 'me-after',
      title: 'credits after the sandboxed sends: unchanged',
      request: me,
      parse: creditsParse,
    },
    {
      step: 'send-live',
      title: 'ONE REAL SEND to your number (billed)',
      costly: true,
      request: liveSend,
      parse: parseSend,
      billing: { text: LIVE_TEXT, isStopSms: false },
      skip: costSkip,
    },
    {
      step: 'message-status-live',
      title: 'status of the real send',
      costly: true,
      prepare: [liveSend],
      request: {
        endpoint: 'message-status',
        method: 'GET',
        params: { messageId: '$message_id', phoneNumber: o.liveTo ?? '' },
      },
      messageIdFrom: 'send-live',
      parse: (answer, request) => {
        parseMessageStatusResponse(answer.text, opts(answer, request));
        return {};
      },
      skip: costSkip,
    },
  ];
}

function describeError(error: unknown): string {
  if (error instanceof SmsPartnerApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks the kit against the real API (or any server at `baseUrl`): each answer must be accepted
 * by core's parser, have the emulator's shape for the same call, and (for sends) bill what
 * `countSegments` predicts. Free calls only unless `allowCost` and `liveTo` are given. Never
 * throws for what the API answers: everything goes in the report, whose strings are already
 * redacted (no key, token, phone number or account name), ready to print or save.
 */
export async function runContract(options: ContractOptions): Promise<ContractReport> {
  const o = parseConfigOptions(contractOptionsSchema, options, 'contract');
  const baseUrl = o.baseUrl ?? DEFAULT_BASE_URL;
  const redactor = createRedactor({
    apiKey: o.apiKey,
    urls: [o.publicUrl],
    phoneNumbers: [o.liveTo, o.from],
  });
  const startedAt = new Date();
  const tag = `kit${startedAt.getTime().toString(36)}`;
  const live = { baseUrl, apiKey: o.apiKey, fetch: o.fetch, timeoutMs: o.timeoutMs ?? 15_000 };
  const own = o.emulator
    ? undefined
    : await startSandbox({ apiKeys: [EMULATOR_KEY], logger: false });
  const emulator = {
    baseUrl: o.emulator?.baseUrl ?? (own?.baseUrl as string),
    apiKey: o.emulator?.apiKey ?? EMULATOR_KEY,
  };
  const steps: ContractStepResult[] = [];
  const messageIds = new Map<string, unknown>();
  let creditsBefore: number | undefined;
  let stopAll: string | undefined;
  try {
    for (const plan of plans(o, tag)) {
      const result: ContractStepResult = {
        step: plan.step,
        title: plan.title,
        outcome: 'passed',
        costly: plan.costly ?? false,
        ...(plan.prepare ? { prepare: plan.prepare } : {}),
        request: plan.request,
        differences: [],
        unchecked: [],
        problems: [],
      };
      steps.push(result);
      const messageId = plan.messageIdFrom ? messageIds.get(plan.messageIdFrom) : undefined;
      const skip =
        stopAll ??
        plan.skip ??
        (plan.messageIdFrom && messageId === undefined
          ? `${plan.messageIdFrom} produced no message id`
          : undefined);
      if (skip) {
        result.outcome = 'skipped';
        result.skipReason = skip;
        continue;
      }
      let answer: ApiAnswer;
      try {
        answer = await callApi(live, withMessageId(plan.request, messageId));
      } catch (error) {
        result.problems.push(describeError(error));
        if (plan.step === 'me') stopAll = 'the API did not answer /me';
        continue;
      }
      result.live = { status: answer.status, body: answer.body };
      let parsed: ReturnType<Parse> = {};
      try {
        parsed = plan.parse(answer, plan.request);
        result.parser = { ok: true };
      } catch (error) {
        result.parser = { ok: false, error: describeError(error) };
        result.problems.push(`core's parser refused the answer: ${describeError(error)}`);
        if (
          plan.step === 'me' &&
          error instanceof SmsPartnerApiError &&
          [10, 20, 30, 40, 96].includes(error.code)
        ) {
          stopAll = `the API refused the account on /me (code ${error.code})`;
        }
      }
      if (typeof answer.body === 'object' && answer.body.message_id !== undefined) {
        messageIds.set(plan.step, answer.body.message_id);
      }
      const replayed = await replayOnEmulator(emulator, {
        prepare: plan.prepare,
        request: plan.request,
      });
      result.emulator = { status: replayed.status, body: replayed.body };
      const shapes = compareAnswers(plan.request, answer.body, replayed.body);
      result.differences = shapes.differences;
      result.unchecked = shapes.unchecked;
      if (shapes.differences.length > 0) {
        result.problems.push(
          `the answer's shape differs from the emulator's in ${shapes.differences.length} place(s)`,
        );
      }
      if (plan.billing) {
        const billed = parsed.nbSms ?? nbSmsOf(answer.body);
        result.billing = billingCheck(plan.billing.text, plan.billing.isStopSms, billed);
        if (!result.billing.ok) {
          result.problems.push(
            `billed ${billed ?? 'an unreadable count of'} SMS, countSegments predicted ${result.billing.predicted}`,
          );
        }
      }
      if (plan.step === 'me') creditsBefore = parsed.creditSms;
      if (
        plan.step === 'me-after' &&
        creditsBefore !== undefined &&
        parsed.creditSms !== undefined
      ) {
        if (parsed.creditSms < creditsBefore) {
          result.problems.push(
            `the sandbox=1 sends cost ${creditsBefore - parsed.creditSms} SMS credits: sandbox=1 is not free on this account`,
          );
        }
      }
    }
  } finally {
    await own?.close();
  }
  for (const step of steps) {
    if (step.outcome !== 'skipped' && step.problems.length > 0) step.outcome = 'failed';
  }
  const count = (outcome: ContractStepResult['outcome']) =>
    steps.filter((s) => s.outcome === outcome).length;
  const report: ContractReport = {
    ok: count('failed') === 0,
    baseUrl,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    realSend: steps.some((s) => s.step === 'send-live' && s.live !== undefined),
    steps,
    counts: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
  };
  return redactor.value(report);
}

function nbSmsOf(body: ApiAnswer['body']): number | undefined {
  if (typeof body !== 'object') return undefined;
  const value = body.nb_sms ?? body.nbSms;
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}
