/**
 * The provider's published examples (docpartner.dev, vn/send page: PHP, Python, VB.NET, curl),
 * replayed byte for byte as each client sends them. The real API serves all four; so must the
 * sandbox (issue 17).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const FIELDS = {
  apiKey: 'YOUR API KEY',
  to: '33612345678',
  from: '33700000000',
  message: 'Votre colis est arrivé',
  urlDlr: 'http://127.0.0.1:9/dlr',
};

/** PHP's json_encode: `/` escaped as `\/`, non-ASCII as `\uXXXX`. */
function phpJsonEncode(value: Record<string, string>): string {
  return JSON.stringify(value)
    .replaceAll('/', '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's json.dumps defaults: `", "` and `": "` separators, ensure_ascii. */
function pythonJsonDumps(value: Record<string, string>): string {
  const ascii = (s: string) =>
    JSON.stringify(s).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  return `{${Object.entries(value)
    .map(([k, v]) => `${ascii(k)}: ${ascii(v)}`)
    .join(', ')}}`;
}

interface RawResponse {
  status: number;
  json: Record<string, unknown>;
  sawContinue: boolean;
}

/**
 * Sends `head` (request line and headers), then `body` — after the server's `100 Continue` when
 * the head asks for it, as .NET does — and reads one response on the kept-alive connection.
 */
function replay(head: string, body: Buffer, expectContinue = false): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(sandbox.port, '127.0.0.1', () => {
      socket.write(head.replaceAll('\n', '\r\n').replace('{HOST}', `127.0.0.1:${sandbox.port}`));
      if (!expectContinue) socket.write(body);
    });
    let received = Buffer.alloc(0);
    let sawContinue = false;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      let text = received.toString('utf8');
      if (text.startsWith('HTTP/1.1 100')) {
        const end = text.indexOf('\r\n\r\n');
        if (end === -1) return;
        sawContinue = true;
        received = received.subarray(Buffer.byteLength(text.slice(0, end + 4)));
        text = received.toString('utf8');
        socket.write(body);
      }
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? -1);
      const payload = received.subarray(Buffer.byteLength(text.slice(0, end + 4)));
      if (payload.length < length) return;
      socket.end();
      resolve({
        status: Number(text.slice(9, 12)),
        json: JSON.parse(payload.toString('utf8')) as Record<string, unknown>,
        sawContinue,
      });
    });
    socket.on('error', reject);
  });
}

function expectSent(answer: RawResponse) {
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ success: true, code: 200, nb_sms: 1 });
  const recorded = sandbox.messages().find((m) => m.messageId === String(answer.json.message_id));
  expect(recorded).toMatchObject({
    to: FIELDS.to,
    from: FIELDS.from,
    originalText: FIELDS.message,
    urlDlr: FIELDS.urlDlr,
  });
}

describe('the provider’s published vn/send examples', () => {
  it('PHP: curl with CURLOPT_POSTFIELDS json_encode($fields), no content type set', async () => {
    // libcurl labels a string body application/x-www-form-urlencoded.
    const body = Buffer.from(phpJsonEncode(FIELDS));
    expect(body.toString()).toContain('http:\\/\\/127.0.0.1:9\\/dlr');
    const answer = await replay(
      `POST /v1/vn/send HTTP/1.1
Host: {HOST}
Accept: */*
Content-Length: ${body.length}
Content-Type: application/x-www-form-urlencoded

`,
      body,
    );
    expectSent(answer);
  });

  it('Python: requests.post(url, data=json.dumps(payload)), no content type at all', async () => {
    const body = Buffer.from(pythonJsonDumps(FIELDS));
    const answer = await replay(
      `POST /v1/vn/send HTTP/1.1
Host: {HOST}
User-Agent: python-requests/2.32.3
Accept-Encoding: gzip, deflate
Accept: */*
Connection: keep-alive
Content-Length: ${body.length}

`,
      body,
    );
    expectSent(answer);
  });

  it('VB.NET: HttpWebRequest, application/json; charset=utf-8, Expect: 100-continue', async () => {
    const body = Buffer.from(JSON.stringify(FIELDS), 'utf8');
    const answer = await replay(
      `POST /v1/vn/send HTTP/1.1
Content-Type: application/json; charset=utf-8
Host: {HOST}
Content-Length: ${body.length}
Expect: 100-continue
Connection: Keep-Alive

`,
      body,
      true,
    );
    expect(answer.sawContinue).toBe(true);
    expectSent(answer);
  });

  it('VB.NET writing through a UTF-8 writer that adds a byte order mark', async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify(FIELDS), 'utf8'),
    ]);
    const answer = await replay(
      `POST /v1/vn/send HTTP/1.1
Content-Type: application/json; charset=utf-8
Host: {HOST}
Content-Length: ${body.length}

`,
      body,
    );
    expectSent(answer);
  });

  it.each([
    ['with -H "Content-Type: application/json"', 'Content-Type: application/json\n'],
    [
      'with -d alone (curl then says form-urlencoded)',
      'Content-Type: application/x-www-form-urlencoded\n',
    ],
  ])("curl -X POST -d '{…}' %s", async (_label, typeHeader) => {
    const body = Buffer.from(JSON.stringify(FIELDS));
    const answer = await replay(
      `POST /v1/vn/send HTTP/1.1
Host: {HOST}
User-Agent: curl/8.5.0
Accept: */*
${typeHeader}Content-Length: ${body.length}

`,
      body,
    );
    expectSent(answer);
  });

  it('a real form body still reads as a form, and malformed JSON still gets code 90', async () => {
    const form = Buffer.from(new URLSearchParams(FIELDS).toString());
    expectSent(
      await replay(
        `POST /v1/vn/send HTTP/1.1
Host: {HOST}
Content-Type: application/x-www-form-urlencoded
Content-Length: ${form.length}

`,
        form,
      ),
    );
    const broken = Buffer.from('{"apiKey": "k", "to": ');
    const answer = await replay(
      `POST /v1/vn/send HTTP/1.1
Host: {HOST}
Content-Type: application/x-www-form-urlencoded
Content-Length: ${broken.length}

`,
      broken,
    );
    expect(answer.json).toMatchObject({ success: false, code: 90 });
  });
});
