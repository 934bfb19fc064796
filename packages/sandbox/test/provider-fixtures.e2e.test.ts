/**
 * The emulator held to the provider's answers: every fixture in fixtures/provider/ (documented
 * examples, and any answer `pnpm test:live` recorded and a user dropped in) is replayed against
 * the emulator, which must answer with the same shape (keys and value types).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerFixtureSchema, replayOnEmulator } from '../src/contract/requests.js';
import { compareAnswers } from '../src/contract/run.js';
import { type Sandbox, startSandbox } from '../src/index.js';

const KEY = 'fixture-test-key';
const dir = fileURLToPath(new URL('../fixtures/provider/', import.meta.url));
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ apiKeys: [KEY], logger: false });
});
afterAll(() => sandbox.close());
// Each fixture replays on a fresh account (a stop-list fixture must not refuse the next send).
beforeEach(() => sandbox.reset());

describe('fixtures/provider', () => {
  it('holds the documented examples', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files)('%s: the emulator answers with the same shape', async (file) => {
    const fixture = providerFixtureSchema.parse(JSON.parse(readFileSync(`${dir}${file}`, 'utf8')));
    const answer = await replayOnEmulator({ baseUrl: sandbox.baseUrl, apiKey: KEY }, fixture);
    const { differences } = compareAnswers(fixture.request, fixture.response.body, answer.body);
    expect(differences, `${file}: live = fixture, emulator = sandbox`).toEqual([]);
  });

  it('a fixture the emulator does not match is reported, path by path', async () => {
    const fixture = providerFixtureSchema.parse(
      JSON.parse(readFileSync(`${dir}message-status.json`, 'utf8')),
    );
    const body = { ...(fixture.response.body as Record<string, unknown>) };
    body.status = body.statut;
    delete body.statut;
    body.cost = '0.045';
    const answer = await replayOnEmulator({ baseUrl: sandbox.baseUrl, apiKey: KEY }, fixture);
    expect(compareAnswers(fixture.request, body, answer.body).differences).toEqual([
      { path: 'cost', live: 'string', emulator: 'number' },
      { path: 'status', live: 'string', emulator: 'missing' },
      { path: 'statut', live: 'missing', emulator: 'string' },
    ]);
  });
});
