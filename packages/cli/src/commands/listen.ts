import { createServer, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Context } from '../output.js';
import { integerIn } from '../parsers.js';
import { untilSignal } from './sandbox.js';

interface ListenFlags {
  port: number;
  host: string;
  path: string;
  secret?: string;
  forward?: string;
  publicUrl?: string;
}

const MAX_BODY = 1024 * 1024;
const DEFAULT_PATH = '/webhooks/smspartner';

function maskToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1***');
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function checkUrl(value: string, flag: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {}
  throw new UsageError(`${flag} must be an absolute http(s) URL (got ${JSON.stringify(value)})`);
}

export function registerListen(program: Command, ctxOf: (cmd: Command) => Context): void {
  program
    .command('listen')
    .summary('receive delivery receipts and replies locally, print them, optionally forward them')
    .description(
      'A local receiver for SMS Partner callbacks (@smspartner-kit/webhooks): prints every receipt and reply as it arrives, raw and parsed, and can forward each one unchanged to your app. Ctrl-C stops it.',
    )
    .option('-p, --port <port>', 'port (0 = a free one)', integerIn(0, 65535), 3000)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--path <path>', 'where the routes live ({path}/dlr, {path}/replies)', DEFAULT_PATH)
    .option(
      '--secret <token>',
      'require ?token= in callback URLs (default: SMSPARTNER_WEBHOOK_SECRET, else none)',
    )
    .option(
      '--forward <url>',
      'also pass every callback to this base URL (…/dlr, …/replies appended)',
    )
    .option(
      '--public-url <url>',
      'the address SMS Partner reaches (a tunnel), for the printed URLs',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ smspartner listen
  $ smspartner listen --port 3001 --forward http://localhost:3000/webhooks/smspartner
  $ smspartner listen --port 0 --json       # one JSON line per event (ndjson)
  $ smspartner send --to 0612345678 -m hi --url-dlr http://127.0.0.1:3000/webhooks/smspartner/dlr`,
    )
    .action(async (flags: ListenFlags, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const { c } = ctx;
      // Loaded on use: every other command starts faster without the webhooks package.
      const { callbackUrls, createNodeMiddleware, createWebhooks } = await import(
        '@smspartner-kit/webhooks'
      );
      const forward = flags.forward ? checkUrl(flags.forward, '--forward') : undefined;
      const secret = flags.secret ?? (process.env.SMSPARTNER_WEBHOOK_SECRET || undefined);
      const path = `/${flags.path.replace(/^\/+|\/+$/g, '')}`;
      const line = (event: Record<string, unknown>, human: string) => {
        if (ctx.json)
          process.stdout.write(`${JSON.stringify({ ...event, at: new Date().toISOString() })}\n`);
        else ctx.print(human);
      };
      const webhooks = createWebhooks({ secret: secret ?? false });
      webhooks.on('delivery-receipt', (receipt) => {
        const { raw: _raw, ...parsed } = receipt as typeof receipt & { raw?: unknown };
        line(
          { event: 'delivery-receipt', parsed },
          `  ${c.green('receipt')} ${JSON.stringify(parsed)}`,
        );
      });
      webhooks.on('inbound-message', (message) => {
        const { raw: _raw, ...parsed } = message as typeof message & { raw?: unknown };
        line(
          { event: 'inbound-message', parsed },
          `  ${c.cyan('reply')} ${JSON.stringify(parsed)}`,
        );
      });
      webhooks.on('opt-out', (optOut) => {
        const { raw: _raw, ...parsed } = optOut as typeof optOut & { raw?: unknown };
        line({ event: 'opt-out', parsed }, `  ${c.red('opt-out')} ${JSON.stringify(parsed)}`);
      });
      const middleware = createNodeMiddleware(webhooks, { path });

      const server = createServer(async (req, res) => {
        const body = await readBody(req);
        const url = req.url ?? '/';
        if (body === 'too-large') {
          res
            .writeHead(413, { 'content-type': 'application/json' })
            .end('{"error":"payload_too_large"}');
          return;
        }
        const text = body.toString('utf8');
        line(
          {
            event: 'request',
            method: req.method,
            url: maskToken(url),
            contentType: req.headers['content-type'],
            body: text,
          },
          `${c.dim(new Date().toISOString())} ${c.bold(req.method ?? '')} ${maskToken(url)}${text ? `\n  ${c.dim('raw')} ${text}` : ''}`,
        );
        res.on('finish', () => {
          line(
            { event: 'answered', url: maskToken(url), status: res.statusCode },
            `  ${c.dim(`→ answered ${res.statusCode}`)}`,
          );
        });
        if (forward && url.startsWith(path))
          void forwardTo(forward + url.slice(path.length), req, body);
        // The body is read here (to print it); the webhooks read this copy as if it were the request.
        const copy = Object.assign(Readable.from(body.length ? [body] : []), {
          method: req.method,
          url: req.url,
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          socket: req.socket,
          httpVersion: req.httpVersion,
        }) as unknown as IncomingMessage;
        middleware(copy, res);
      });

      async function forwardTo(target: string, req: IncomingMessage, body: Buffer) {
        try {
          const headers: Record<string, string> = {};
          const type = req.headers['content-type'];
          if (type) headers['content-type'] = type;
          const answer = await fetch(target, {
            method: req.method,
            headers,
            ...(req.method === 'GET' || req.method === 'HEAD'
              ? {}
              : { body: new Uint8Array(body) }),
            signal: AbortSignal.timeout(10_000),
          });
          await answer.body?.cancel();
          line(
            { event: 'forwarded', target: maskToken(target), status: answer.status },
            `  ${c.dim(`↪ forwarded → ${answer.status}`)}`,
          );
        } catch (error) {
          const reason =
            (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
          line(
            { event: 'forward-failed', target: maskToken(target), reason },
            `  ${c.red(`↪ forward failed: ${reason}`)}`,
          );
        }
      }

      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(
            new UsageError(
              `cannot listen on ${flags.host}:${flags.port} (${error.code ?? error.message})`,
            ),
          ),
        );
        server.listen(flags.port, flags.host, resolve);
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : flags.port;
      const publicUrl = flags.publicUrl
        ? checkUrl(flags.publicUrl, '--public-url')
        : `http://${flags.host}:${port}`;
      const urls = secret
        ? callbackUrls({ publicUrl, secret, path })
        : { urlDlr: `${publicUrl}${path}/dlr`, urlResponse: `${publicUrl}${path}/replies` };
      const shown = { urlDlr: maskToken(urls.urlDlr), urlResponse: maskToken(urls.urlResponse) };
      line(
        { event: 'ready', port, ...shown, forward: forward ?? null },
        `listening on ${c.bold(`http://${flags.host}:${port}`)}\n  urlDlr      ${shown.urlDlr}\n  urlResponse ${shown.urlResponse}${forward ? `\n  forwarding to ${forward}` : ''}\n${c.dim('Ctrl-C to stop')}`,
      );
      await untilSignal();
      await webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
}
