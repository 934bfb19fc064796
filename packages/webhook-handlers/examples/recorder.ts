// Keeping the last raw callbacks, to see what SMS Partner really sends (token and credentials
// redacted). (Run by test/example.test.ts against the sandbox; the README shows this file.)
import { createServer, type Server } from 'node:http';
import {
  callbackUrls,
  createCallbackRecorder,
  createNodeMiddleware,
  createWebhooks,
} from '@smspartner-kit/webhooks';

export async function startRecorder(options: {
  secret: string;
  port?: number;
}): Promise<{ server: Server; urls: { urlDlr: string; urlResponse: string }; origin: string }> {
  const webhooks = createWebhooks({ secret: options.secret });
  const recorder = createCallbackRecorder({ limit: 20 }); // the last 20, refused ones included
  const middleware = createNodeMiddleware(webhooks, { recorder });

  const server = createServer((req, res) => {
    // The last callbacks as JSON. Keep this route private (behind your admin auth) in production:
    // bodies hold phone numbers and message texts.
    if (req.method === 'GET' && req.url === '/raw-callbacks') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(recorder.entries(), null, 2));
      return;
    }
    middleware(req, res);
  });
  server.on('close', () => void webhooks.close());
  await new Promise<void>((resolve) => server.listen(options.port ?? 3000, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.port}`;
  return { server, urls: callbackUrls({ publicUrl: origin, secret: options.secret }), origin };
}
