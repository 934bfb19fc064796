// README "Conformance kit for your own adapter": the code between the markers is shown there
// verbatim, with the imports spelled as a user writes them (the package name instead of paths).
// example:start
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeMiddleware, createWebhooks } from '../index.js';
import { callbackConformanceCases, isHttpCase, sendRawRequest, toHandleRequest } from './index.js';

const secret = 'conformance-example-secret';
const webhooks = createWebhooks({ secret, logger: { warn() {}, error() {} } });
let dispatched = 0;
webhooks.onAny(() => {
  dispatched++;
});

// Your adapter goes here: any server that ends in webhooks.handle() or createNodeMiddleware().
const server = createServer(createNodeMiddleware(webhooks));
let origin = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  webhooks.close();
});

// path defaults to '/webhooks/smspartner': pass where your adapter is mounted.
const cases = callbackConformanceCases({ secret, path: '/webhooks/smspartner' });

describe('my SMS Partner callback endpoint', () => {
  it.each(cases.filter(isHttpCase))('$name → $status', async (c) => {
    const response = await sendRawRequest(origin, c); // exact bytes, node:http
    expect(response.status).toBe(c.status);
    expect(dispatched).toBe(0); // no hostile case ever reaches a handler
  });

  // Bodies only a framework's parser could produce: hand them over as it would.
  it.each(cases.filter((c) => !isHttpCase(c)))('$name → $status', async (c) => {
    const response = await webhooks.handle(toHandleRequest(c));
    expect(response.status).toBe(c.status);
    expect(dispatched).toBe(0);
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
