// The lint rule that keeps app/ the only folder that knows every feature (eslint.config.js): the
// server's shared folders import no feature, features import neither app/ nor cli/, and every
// folder of packages/server/src is on one side or the other.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const srcDir = fileURLToPath(new URL('../', import.meta.url));

interface RepoLintConfig {
  readonly default: Linter.Config[];
  readonly serverSharedFolders: readonly string[];
  readonly serverFeatureFolders: readonly string[];
}

let repoConfig: RepoLintConfig;
let eslint: ESLint;

beforeAll(async () => {
  repoConfig = (await import(
    new URL('eslint.config.js', `file://${repoRoot}`).href
  )) as RepoLintConfig;
  // The repository's own import rules (each with its files and ignores), on the TypeScript parser
  // without type information: what these tests check needs no type-aware rule.
  const importRules = repoConfig.default.filter(
    (entry) => entry.rules?.['no-restricted-imports'] !== undefined,
  );
  eslint = new ESLint({
    cwd: repoRoot,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      ...importRules,
    ],
  });
});

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${repoRoot}${file}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('server import boundaries (eslint no-restricted-imports)', () => {
  it.each([
    [
      'packages/server/src/http/x.ts',
      "import { registerCallRoutes } from '../telephony/calls.routes.js';",
    ],
    [
      'packages/server/src/jobs/x.ts',
      "import { registerPeaksJob } from '../recordings/recording-peaks.service.js';",
    ],
    [
      'packages/server/src/db/migrations/x.ts',
      "import type { Recording } from '../../recordings/recordings.repository.js';",
    ],
    ['packages/server/src/observability/x.ts', "import { startServer } from '../app/runtime.js';"],
    [
      'packages/server/src/storage/x.ts',
      "export { authenticateToken } from '../auth/auth.service.js';",
    ],
  ])('%s may not import a feature or app/: %s', async (file, source) => {
    const messages = await restrictedImports(file, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/import no feature/);
  });

  it('a shared folder may import another shared folder and the package kernel', async () => {
    expect(
      await restrictedImports(
        'packages/server/src/http/x.ts',
        [
          "import type { Db } from '../db/database.js';",
          "import type { JobQueue } from '../jobs/index.js';",
          "import type { Actor } from '../policy/actor.js';",
          "import { AppError } from '../errors.js';",
          "import { routeNotFound } from './error-handler.js';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('a feature may not import app/ or cli/, while its tests may build the app', async () => {
    const source = "import { buildApp } from '../app/build-app.js';";
    expect(await restrictedImports('packages/server/src/telephony/x.ts', source)).toEqual([
      expect.stringMatching(/composition root/),
    ]);
    expect(
      await restrictedImports('packages/server/src/org/x.ts', "import '../cli/main.js';"),
    ).toHaveLength(1);
    expect(await restrictedImports('packages/server/src/telephony/x.test.ts', source)).toEqual([]);
  });

  it('app/ imports every feature', async () => {
    expect(
      await restrictedImports(
        'packages/server/src/app/x.ts',
        "import { registerCallRoutes } from '../telephony/calls.routes.js';",
      ),
    ).toEqual([]);
  });

  it('the package boundary still holds inside the guarded folders', async () => {
    expect(
      await restrictedImports(
        'packages/server/src/http/x.ts',
        "import { parseSipMessage } from '@callvault/recorder/sip';",
      ),
    ).toEqual([expect.stringMatching(/public index only/)]);
  });

  it('the real tree passes: no shared folder imports a feature today', async () => {
    const files = repoConfig.serverSharedFolders.map((folder) => `packages/server/src/${folder}`);
    const results = await eslint.lintFiles(files);
    const offending = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'no-restricted-imports')
        .map((m) => `${r.filePath}:${m.line}: ${m.message}`),
    );
    expect(results.length).toBeGreaterThan(20);
    expect(offending).toEqual([]);
  });

  it('every folder of packages/server/src is either shared or a feature (or app, cli, testing, conformance)', () => {
    const folders = fs
      .readdirSync(srcDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const classified = new Set([
      ...repoConfig.serverSharedFolders,
      ...repoConfig.serverFeatureFolders,
      'app',
      'cli',
      'testing',
      // The Webex conformance suite: tests of the whole app, as `testing` serves them.
      'conformance',
    ]);
    expect(folders.filter((f) => !classified.has(f))).toEqual([]);
  });
});
