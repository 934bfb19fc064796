import { countSegments } from '@smspartner-kit/core/segments';
import type { StoredMessage, StoredOptOut, StoredReply } from '../store.js';
import { highlightHtml, highlightsFor } from './highlight.js';

// The API answers with the store's rows as JSON (type-only import: nothing of the store is bundled).
type Message = Omit<StoredMessage, 'from' | 'scheduledAt'>;
type Reply = StoredReply;
type OptOut = StoredOptOut;
interface Issue {
  field: string;
  message: string;
}
interface ErrorBody {
  error?: string;
  message?: string;
  code?: number;
  meaning?: string;
  issues?: Issue[];
}

const $ = <T extends HTMLElement>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`missing ${selector}`);
  return element;
};

const STATUS_LABELS: Record<string, string> = {
  sent: 'sent',
  waiting: 'waiting',
  delivered: 'delivered',
  not_delivered: 'not delivered',
  expired: 'expired',
  rejected: 'rejected',
  failed: 'failed',
  unknown: 'unknown',
};

const time = (iso: string): string =>
  iso
    ? new Date(iso).toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })
    : '';
const phone = (n: string): string => (/^\d+$/.test(n) ? `+${n}` : n);

async function api<T>(
  path: string,
  init?: RequestInit,
): Promise<{ ok: boolean; status: number; body: T }> {
  const response = await fetch(path, {
    ...init,
    headers: {
      accept: 'application/json',
      ...(init?.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  const body = (await response.json().catch(() => ({}))) as T;
  return { ok: response.ok, status: response.status, body };
}

// ---- live counter -------------------------------------------------------------------------

const textarea = $<HTMLTextAreaElement>('#message');
const stopBox = $<HTMLInputElement>('#isStopSms');
const backdrop = $<HTMLDivElement>('#backdrop');

function updateCounter(): void {
  const text = textarea.value;
  // The STOP mention is appended by the provider: counted, but not highlighted in the text.
  const count = countSegments(text, { isStopSms: stopBox.checked });
  // Replacements inside the mention (its line break) are not the user's to see. (The result's
  // lists are lazy getters: read them, do not spread the object.)
  const replacements = count.replacements.filter((r) => r.index < text.length);
  const nonGsmCharacters = count.nonGsmCharacters;
  const encoding = $('#encoding');
  encoding.textContent = count.encoding;
  encoding.classList.toggle('ucs2', count.encoding === 'UCS-2');
  $('#segments').textContent = String(count.segments);
  $('#remaining').textContent = String(count.remaining);
  $('#units').textContent = String(count.units);
  const highlights = highlightsFor(text, { replacements, nonGsmCharacters });
  backdrop.innerHTML = highlightHtml(text, highlights);
  backdrop.scrollTop = textarea.scrollTop;
  const replaced = [
    ...new Set(
      replacements.map((r) => (r.to === '' ? `${r.from} removed` : `${r.from} → ${r.to}`)),
    ),
  ];
  const forcing = [...new Set(nonGsmCharacters.map((c) => c.char))];
  const notes: string[] = [];
  if (replaced.length > 0) notes.push(`Replaced on sending: ${replaced.join(', ')}`);
  if (forcing.length > 0)
    notes.push(`Forcing UCS-2 (70 per SMS, 67 per part): ${forcing.join(' ')}`);
  $('#notes').textContent = notes.join(' · ');
}
textarea.addEventListener('input', updateCounter);
stopBox.addEventListener('change', updateCounter);
textarea.addEventListener('scroll', () => {
  backdrop.scrollTop = textarea.scrollTop;
});
new ResizeObserver(() => {
  backdrop.style.height = `${textarea.offsetHeight}px`;
}).observe(textarea);

// ---- errors next to fields ------------------------------------------------------------------

function clearErrors(form: HTMLFormElement): void {
  for (const p of form.querySelectorAll<HTMLElement>('[data-error-for]')) p.textContent = '';
  for (const input of form.querySelectorAll('.invalid')) input.classList.remove('invalid');
}

/** Shows each issue under its field; returns the issues no field of the form could show. */
function showErrors(form: HTMLFormElement, issues: Issue[]): Issue[] {
  const rest: Issue[] = [];
  for (const issue of issues) {
    const field = issue.field.split('.')[0] ?? '';
    const slot = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(field)}"]`);
    if (!slot) {
      rest.push(issue);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent}; ${issue.message}` : issue.message;
    form.querySelector(`[name="${CSS.escape(field)}"]`)?.classList.add('invalid');
  }
  return rest;
}

function describeError(status: number, body: ErrorBody): string {
  const code =
    body.code === undefined ? '' : ` (code ${body.code}${body.meaning ? `: ${body.meaning}` : ''})`;
  return `${status} ${body.error ?? 'error'}${code}${body.message && body.code === undefined ? ` — ${body.message}` : ''}`;
}

// ---- compose ----------------------------------------------------------------------------------

const compose = $<HTMLFormElement>('#compose');
compose.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(compose);
  const result = $('#send-result');
  result.textContent = '';
  result.className = 'result';
  const button = $<HTMLButtonElement>('#send');
  button.disabled = true;
  try {
    const tag = $<HTMLInputElement>('#tag').value.trim();
    const { ok, status, body } = await api<
      ErrorBody & {
        message?: unknown;
        provider?: { messageId: string; nbSms: number; cost: number; currency: string };
      }
    >('/api/messages', {
      method: 'POST',
      body: JSON.stringify({
        to: $<HTMLInputElement>('#to').value,
        message: textarea.value,
        ...(tag ? { tag } : {}),
        ...($<HTMLInputElement>('#isStopSms').checked ? { isStopSms: true } : {}),
      }),
    });
    if (ok && body.provider) {
      const p = body.provider;
      result.textContent = `Sent: message #${p.messageId}, ${p.nbSms} SMS billed, ${p.cost} ${p.currency}`;
      result.classList.add('ok');
      $<HTMLInputElement>('#reply-from').value ||= $<HTMLInputElement>('#to').value;
      // Ready for the next message (the recipient stays: several messages to one person).
      textarea.value = '';
      $<HTMLInputElement>('#tag').value = '';
      updateCounter();
      if ('message' in body && typeof body.message === 'object' && body.message)
        upsertMessage(body.message as Message);
      void refreshCredits();
      return;
    }
    const rest = showErrors(compose, body.issues ?? []);
    if (body.code === 14)
      showErrors(compose, [{ field: 'to', message: 'this number is on the STOP list' }]);
    result.textContent =
      rest.length > 0 || !body.issues
        ? describeError(status, body)
        : 'Please fix the fields above.';
    if (rest.length > 0)
      result.textContent += `: ${rest.map((i) => `${i.field}: ${i.message}`).join('; ')}`;
    result.classList.add('bad');
  } catch (error) {
    result.textContent = `Network error: ${String(error)}`;
    result.classList.add('bad');
  } finally {
    button.disabled = false;
  }
});

// ---- simulate reply -----------------------------------------------------------------------------

const simulate = $<HTMLFormElement>('#simulate');
simulate.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(simulate);
  const result = $('#reply-result');
  result.className = 'result';
  const { ok, status, body } = await api<ErrorBody & { parts?: number; optOut?: boolean }>(
    '/api/sandbox/replies',
    {
      method: 'POST',
      body: JSON.stringify({
        from: $<HTMLInputElement>('#reply-from').value,
        text: $<HTMLInputElement>('#reply-text').value,
      }),
    },
  );
  if (ok) {
    result.textContent = `Reply sent through the webhook (${body.parts} part${body.parts === 1 ? '' : 's'})${body.optOut ? ': opt-out' : ''}`;
    result.classList.add('ok');
    $<HTMLInputElement>('#reply-text').value = '';
  } else {
    const rest = showErrors(simulate, body.issues ?? []);
    result.textContent = rest.length > 0 || !body.issues ? describeError(status, body) : '';
    result.classList.add('bad');
  }
});

// ---- tables ------------------------------------------------------------------------------------

const messageRows = new Map<string, HTMLTableRowElement>();

function upsertMessage(m: Message): void {
  const tbody = $('#messages tbody');
  let row = messageRows.get(m.messageId);
  const isNew = !row;
  if (!row) {
    row = document.createElement('tr');
    row.dataset.messageId = m.messageId;
    messageRows.set(m.messageId, row);
    // Newest first: ids of a later send sort after, so insert by creation time.
    const after = [...messageRows.values()].find(
      (other) => other !== row && (other.dataset.createdAt ?? '') < m.createdAt,
    );
    tbody.insertBefore(row, after ?? null);
  }
  // The send's answer and the SSE events race: never let an older snapshot win.
  if (!isNew && (row.dataset.updatedAt ?? '') > m.updatedAt) return;
  row.dataset.updatedAt = m.updatedAt;
  const previous = row.dataset.status;
  row.dataset.status = m.status;
  row.dataset.createdAt = m.createdAt;
  const cells = [
    ['num', `#${m.messageId}`],
    ['num', time(m.createdAt)],
    ['num', phone(m.to)],
    ['text', m.text],
    [
      'num',
      `${m.nbSms ?? '?'}${m.nbSms !== null && m.nbSms !== m.predictedSegments ? ` (predicted ${m.predictedSegments})` : ''} · ${m.encoding}`,
    ],
  ] as const;
  row.replaceChildren(
    ...cells.map(([cls, value]) => {
      const td = document.createElement('td');
      td.className = cls;
      td.textContent = value;
      if (cls === 'text' && m.tag) {
        const tag = document.createElement('span');
        tag.className = 'tagline';
        tag.textContent = `#${m.tag}`;
        td.append(tag);
      }
      return td;
    }),
  );
  const statusCell = document.createElement('td');
  const badge = document.createElement('span');
  badge.className = `status ${m.status}`;
  badge.textContent = STATUS_LABELS[m.status] ?? m.status;
  if (m.providerStatus) badge.title = `provider: ${m.providerStatus}`;
  statusCell.append(badge);
  row.append(statusCell);
  if (!isNew && previous !== m.status) {
    row.classList.remove('flash');
    void row.offsetWidth;
    row.classList.add('flash');
  }
  // Rows are sorted newest first even when they arrive out of order.
  const sorted = [...messageRows.values()].sort(
    (a, b) =>
      (b.dataset.createdAt ?? '').localeCompare(a.dataset.createdAt ?? '') ||
      Number(b.dataset.messageId) - Number(a.dataset.messageId),
  );
  tbody.replaceChildren(...sorted);
  $('#no-messages').hidden = messageRows.size > 0;
}

const replyIds = new Set<string>();
function addReply(r: Reply, prepend = true): void {
  if (replyIds.has(r.id)) return;
  replyIds.add(r.id);
  const li = document.createElement('li');
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = phone(r.from);
  const when = document.createElement('span');
  when.className = 'when';
  when.textContent = `${time(r.receivedAt)}${r.parts > 1 ? ` · ${r.parts} parts reassembled` : ''}${r.incomplete ? ' · incomplete' : ''}${r.isOptOut ? ' · STOP' : ''}`;
  const text = document.createElement('div');
  text.textContent = r.text;
  li.append(who, when, text);
  const list = $('#replies');
  if (prepend) list.prepend(li);
  else list.append(li);
  $('#no-replies').hidden = true;
}

const optOutItems = new Map<string, HTMLLIElement>();
function addOptOut(o: OptOut, prepend = true): void {
  let li = optOutItems.get(o.phoneNumber);
  if (!li) {
    li = document.createElement('li');
    optOutItems.set(o.phoneNumber, li);
    const list = $('#opt-outs');
    if (prepend) list.prepend(li);
    else list.append(li);
  }
  li.replaceChildren();
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = phone(o.phoneNumber);
  const when = document.createElement('span');
  when.className = 'when';
  when.textContent = `${o.keyword} · ${time(o.receivedAt)}`;
  li.append(who, when);
  $('#no-opt-outs').hidden = true;
}

interface UnresolvedSend {
  id: number;
  providerTag: string;
  to: string;
  text: string;
  state: string;
  error: string | null;
  createdAt: string;
}
function showUnresolved(sends: UnresolvedSend[]): void {
  $('#unresolved').replaceChildren(
    ...sends.map((send) => {
      const li = document.createElement('li');
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = phone(send.to);
      const when = document.createElement('span');
      when.className = 'when';
      when.textContent = `${time(send.createdAt)} · tag ${send.providerTag}${send.error ? ` · ${send.error}` : ''}`;
      const text = document.createElement('div');
      text.textContent = send.text;
      li.append(who, when, text);
      return li;
    }),
  );
  $('#unresolved-card').hidden = sends.length === 0;
}

interface RawCallback {
  receivedAt: string;
  method: string;
  path: string;
  body?: string;
  status: number | null;
}
async function refreshRawCallbacks(): Promise<void> {
  const { ok, body } = await api<{ callbacks?: RawCallback[] }>('/api/callbacks/raw');
  $('#raw-card').hidden = !ok;
  if (!ok) return;
  const callbacks = body.callbacks ?? [];
  $('#raw-callbacks').replaceChildren(
    ...callbacks.map((c) => {
      const li = document.createElement('li');
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = `${c.method} ${c.path}`;
      const when = document.createElement('span');
      when.className = 'when';
      when.textContent = `${time(c.receivedAt)} · ${c.status ?? 'no answer'}`;
      const raw = document.createElement('pre');
      raw.textContent = c.body ?? '';
      li.append(who, when, raw);
      return li;
    }),
  );
  $('#no-raw').hidden = callbacks.length > 0;
}

async function refreshCredits(): Promise<void> {
  const { ok, body } = await api<
    { creditSms?: number; balance?: number; currency?: string } & ErrorBody
  >('/api/credits');
  $('#credits').textContent = ok
    ? `${body.creditSms?.toLocaleString()} SMS · ${body.balance?.toLocaleString(undefined, { maximumFractionDigits: 2 })} ${body.currency}`
    : 'unavailable';
}

// ---- start ------------------------------------------------------------------------------------

const BACKEND_LABELS: Record<string, string> = {
  sandbox: 'in-process sandbox',
  'smspartner-sandbox': 'SMS Partner (sandbox=1)',
  'smspartner-live': 'SMS Partner LIVE',
};

async function start(): Promise<void> {
  updateCounter();
  const events = new EventSource('/api/events');
  const live = $('#live');
  events.addEventListener('open', () => live.classList.add('on'));
  events.addEventListener('error', () => live.classList.remove('on'));
  const on = <T>(name: string, handler: (data: T) => void) =>
    events.addEventListener(name, (event) =>
      handler(JSON.parse((event as MessageEvent<string>).data) as T),
    );
  on<Message>('message', upsertMessage);
  on<Message>('status', (m) => {
    upsertMessage(m);
    void refreshRawCallbacks();
  });
  on<Reply>('reply', (r) => {
    addReply(r);
    void refreshRawCallbacks();
  });
  on<OptOut>('opt-out', (o) => addOptOut(o));

  const [info, messages, replies, optOuts, unresolved] = await Promise.all([
    api<{ backend: string; from: string; sandbox: boolean }>('/api/info'),
    api<{ messages: Message[] }>('/api/messages'),
    api<{ replies: Reply[] }>('/api/replies'),
    api<{ optOuts: OptOut[] }>('/api/opt-outs'),
    api<{ sends: UnresolvedSend[] }>('/api/sends/unresolved'),
  ]);
  $('#backend').textContent = BACKEND_LABELS[info.body.backend] ?? info.body.backend;
  $('#sender').textContent = phone(info.body.from);
  simulate.hidden = !info.body.sandbox;
  for (const m of messages.body.messages ?? []) upsertMessage(m);
  for (const r of replies.body.replies ?? []) addReply(r, false);
  for (const o of optOuts.body.optOuts ?? []) addOptOut(o, false);
  showUnresolved((unresolved.body.sends ?? []).filter((send) => send.state === 'unknown'));
  document.body.dataset.ready = 'true';
  await Promise.all([refreshCredits(), refreshRawCallbacks()]);
}

void start();
