import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { twoInstances } from '../examples/two-instances.js';
import { describeWithRedis, redisUrl } from './helpers.js';

describeWithRedis('README example', () => {
  it('runs: one claim wins, one call gets the whole reply, an expired group goes to one caller', async () => {
    const { claims, results, expired } = await twoInstances(redisUrl);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(results.filter((r) => r !== null)).toEqual([['A', 'B', 'C']]);
    expect(expired).toEqual([
      { groupKey: '33699999999:ref7', total: 2, parts: [[1, 'first half']] },
    ]);
  });
});

it('the README shows the example file verbatim', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/two-instances.ts', import.meta.url), 'utf8');
  expect(readme).toContain(example.trim());
});
