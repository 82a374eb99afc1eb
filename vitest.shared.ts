import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Tests run against the TypeScript sources of the workspace packages, not their build output. */
export const alias = {
  '@callvault/shared': here('./packages/shared/src/index.ts'),
  '@callvault/recorder': here('./packages/recorder/src/index.ts'),
};
