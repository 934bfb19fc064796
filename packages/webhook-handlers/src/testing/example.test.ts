// README "Conformance kit for your own adapter": the code between the markers is shown there
// verbatim, with the imports spelled as a user writes them (the package name instead of paths).
// example:start
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeMiddleware, createWebhooks } from '../index.js';
import {
  type CallbackConformanceCase,
  callbackConformanceCases,
  isHttpCase,
  sendRawRequest,
} from './index.js';

const secret = 'conformance-example-secret';
const webhooks = createWebhooks({ secret, logger: { warn() {}, error() {} } });
let dispatched = 0;
webhooks.onAny(() => {
  dispatched++;
});

// Your adapter goes here. A case only a framework's parser could produce is set as req.body,
// as that parser would.
const middleware = createNodeMiddleware(webhooks);
let parsedBody: CallbackConformanceCase['frameworkParsedBody'];
const server = createServer((req, res) => {
  if (parsedBody !== undefined) Object.assign(req, { body: parsedBody });
  middleware(req, res);
});
let origin = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await webhooks.close();
});

// path defaults to '/webhooks/smspartner': pass where your adapter is mounted.
const cases = callbackConformanceCases({ secret, path: '/webhooks/smspartner' });

describe('my SMS Partner callback endpoint', () => {
  it.each(cases)('$name → $status', async (c) => {
    parsedBody = isHttpCase(c) ? undefined : c.frameworkParsedBody;
    const response = await sendRawRequest(origin, c); // exact bytes, node:http
    expect(response.status).toBe(c.status);
    expect(dispatched).toBe(0); // no hostile case ever reaches a handler
  });
});
// example:end

describe('README', () => {
  it('shows this example verbatim, importing by package name', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL(import.meta.url), 'utf8');
    const example = (source.split('// example:start\n')[1]?.split('// example:end')[0] ?? '')
      .replace("from '../index.js'", "from '@smspartner-kit/webhooks'")
      .replace("from './index.js'", "from '@smspartner-kit/webhooks/testing'");
    expect(example).toContain('callbackConformanceCases');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`<!-- example:conformance -->\n\`\`\`ts\n${example}\`\`\``);
  });
});
