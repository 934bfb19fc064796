import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** Shared test settings: tests beside the code or in test/, no network beyond loopback. */
export function testConfig(overrides: ViteUserConfig = {}) {
  return defineConfig({
    ...overrides,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...overrides.test,
    },
  });
}
