import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** Shared test settings: tests beside the code or in test/, no network beyond loopback. */
export function testConfig(overrides: ViteUserConfig = {}) {
  return defineConfig({
    ...overrides,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // End-to-end tests drive child processes and real servers: on a loaded 2-core CI machine a
      // healthy one has taken over 60 s. The timeout is there to catch hangs, not to time work.
      testTimeout: 180_000,
      hookTimeout: 180_000,
      ...overrides.test,
    },
  });
}
