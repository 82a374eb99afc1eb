import { defineConfig } from 'vitest/config';

// End-to-end suites start the built server (`make build` first) as a child process, like an
// operator would, and talk to it over HTTP, SIP and a real browser.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
