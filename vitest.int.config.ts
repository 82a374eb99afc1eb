import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared.js';

// Integration tests talk to real databases and servers. CALLVAULT_TEST_DB picks the dialect
// (sqlite | postgres); the Makefile runs this suite once for each. The Webex conformance suite
// (*.conformance.test.ts) is one of them.
export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.int.test.ts', 'packages/*/src/**/*.conformance.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
