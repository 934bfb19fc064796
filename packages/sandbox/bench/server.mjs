// Child process for bench/run.mjs: serves either the sandbox or a bare node:http baseline, and
// reports its memory on request over IPC. Loopback only.
import http from 'node:http';
import { startSandbox } from '../dist/index.js';

const kind = process.argv[2];
const SEND_ANSWER = JSON.stringify({
  success: true,
  code: 200,
  message_id: 1,
  nb_sms: 1,
  cost: 0.038,
  currency: 'EUR',
});

let messages = () => ({ kept: 0, dropped: 0 });
let port;
if (kind === 'sandbox') {
  const sandbox = await startSandbox({ port: 0, credits: 100_000_000, maxMessages: 10_000 });
  port = sandbox.port;
  messages = () => ({ kept: sandbox.messages().length, dropped: sandbox.droppedMessages() });
} else {
  // The same work minus the sandbox: read the body, parse it, answer the send JSON.
  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(SEND_ANSWER),
      });
      res.end(SEND_ANSWER);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
}

process.on('message', (message) => {
  if (message === 'memory') {
    globalThis.gc?.();
    process.send({ memory: process.memoryUsage(), messages: messages() });
  }
  if (message === 'exit') process.exit(0);
});
process.send({ port });
