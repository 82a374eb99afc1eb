// One lint for the whole repository: type-aware typescript-eslint plus the package boundaries of
// STYLE.md ("Packages and boundaries") expressed as no-restricted-imports.
import js from '@eslint/js';
import globals from 'globals';
import i18next from 'eslint-plugin-i18next';
import tseslint from 'typescript-eslint';

const nodeIo = ['node:dgram', 'node:net', 'node:fs', 'node:fs/promises', 'dgram', 'net', 'fs'];

const serverPackagePattern = {
  group: ['@callvault/recorder/*', '@callvault/web', '@callvault/web/*'],
  message: 'server imports the recorder through its public index only, and never the web app',
};

// packages/server/src: the folders every feature may use, which know no feature themselves …
export const serverSharedFolders = [
  'http',
  'jobs',
  'db',
  'observability',
  'storage',
  'config',
  'crypto',
  'policy',
  'events',
];
// … and the feature folders, which app/ composes.
export const serverFeatureFolders = [
  'announcements',
  'audit',
  'auth',
  'capture',
  'compliance-events',
  'demo',
  'housekeeping',
  'lifecycle',
  'org',
  'recording-decisions',
  'recording-settings',
  'recording-trunks',
  'recordings',
  'sharing',
  'siprec',
  'telephony',
  'transcription',
  'webhooks',
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'coverage/**',
      'bench/results/**',
      '.tmp/**',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '@callvault/*'],
              message: 'shared has no Node APIs and imports no other package',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/recorder/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@callvault/server',
                '@callvault/server/*',
                '@callvault/web',
                '@callvault/web/*',
              ],
              message: 'the recorder knows nothing of the server or web',
            },
            {
              group: ['@callvault/shared'],
              allowTypeImports: true,
              message: 'the recorder may import types only from shared',
            },
          ],
        },
      ],
    },
  },
  {
    // Protocol cores are sans-I/O (STYLE.md): bytes in, values out.
    files: [
      'packages/recorder/src/sip/message/**/*.ts',
      'packages/recorder/src/sdp/**/*.ts',
      'packages/recorder/src/rtp/**/*.ts',
      'packages/recorder/src/media/codecs/**/*.ts',
      'packages/recorder/src/siprec/**/*.ts',
      'packages/recorder/src/session/**/*.ts',
      // Rendering is pure but for the stage that reads the journal file.
      'packages/recorder/src/media/render/**/*.ts',
    ],
    ignores: ['**/*.test.ts', 'packages/recorder/src/media/render/read-journal.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIo.map((name) => ({
            name,
            message: 'protocol code does no I/O; move it to a transport or the journal writer',
          })),
          patterns: [
            {
              group: ['@callvault/server', '@callvault/web'],
              message: 'the recorder knows nothing of the server or web',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [serverPackagePattern] }],
    },
  },
  {
    // Only the composition root (app/) knows every feature: the server's shared folders import
    // no feature, so a feature reaches another only through what app/ hands it.
    files: serverSharedFolders.map((folder) => `packages/server/src/${folder}/**/*.ts`),
    // A migration's test reads the migrated rows back through the features that own them.
    ignores: ['packages/server/src/db/migrations/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverPackagePattern,
            {
              regex: `^(\\.\\./)+(${[...serverFeatureFolders, 'app', 'cli'].join('|')})(/|$)`,
              message:
                'shared server folders (http, jobs, db, observability, storage, config, crypto, policy, events) import no feature: register it in app/ and pass what is needed in',
            },
          ],
        },
      ],
    },
  },
  {
    // Features are composed by app/ and started by cli/; they never import either. Tests may build
    // the whole app.
    files: serverFeatureFolders.map((folder) => `packages/server/src/${folder}/**/*.ts`),
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverPackagePattern,
            {
              regex: '^(\\.\\./)+(app|cli)(/|$)',
              message: 'a feature does not import the composition root (app/) or the CLI',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@callvault/server',
                '@callvault/server/*',
                '@callvault/recorder',
                '@callvault/recorder/*',
                'node:*',
              ],
              message: 'the web app knows nothing of server internals',
            },
          ],
        },
      ],
    },
  },
  {
    // No user-visible text written into the console's JSX: every sentence goes through i18n, in
    // English and Swedish (packages/web/src/i18n).
    files: ['packages/web/src/**/*.tsx'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'jsx-only',
          'jsx-attributes': {
            include: [
              'aria-label',
              'title',
              'label',
              'placeholder',
              'description',
              'errorTitle',
              'emptyTitle',
              'nothingFoundMessage',
              'noAudioReason',
              'saveLabel',
            ],
          },
        },
      ],
    },
  },
  {
    // Plain JavaScript (this file, tool configs) is not type-checked.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tests and tools read untyped JSON from the API under test; type-unsafe access is their job.
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts', '*.config.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
