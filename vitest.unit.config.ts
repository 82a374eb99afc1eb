import { defineConfig } from 'vitest/config';
import { alias } from './vitest.shared.js';

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/src/**/*.test.tsx', 'bench/**/*.test.ts'],
    exclude: ['**/*.int.test.ts', '**/*.conformance.test.ts', '**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
  },
});
