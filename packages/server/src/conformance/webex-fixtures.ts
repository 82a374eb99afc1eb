// The Webex conformance fixtures (packages/server/test-fixtures/webex-conformance/*.json): Webex's
// definition of each /v1 endpoint of the call-recording area, one file per area, each endpoint with
// the source of its facts (README there). Read by webex.conformance.test.ts.
import fs from 'node:fs';
import type { Shape, ShapeDefs } from './json-shape.js';

export type Role = 'admin' | 'co' | 'user';
export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface RoundTrip {
  /** The GET that reads the settings object the PUT writes. */
  readonly read: string;
  /** Bodies a Webex client sends; `"$read.x"` takes field x of what `read` answered. */
  readonly webexBodies?: readonly unknown[];
  /** Use the fixture's `WebexClientPut` (what wxc_sdk's update() sends) as the body. */
  readonly webexClient?: boolean;
  /** What `read` answers after the Webex bodies (default: the last body). */
  readonly expect?: Readonly<Record<string, unknown>>;
  /** Changed in the object `read` answered, which is then written back whole. */
  readonly change?: Readonly<Record<string, unknown>>;
  /**
   * How the changed object is written back: whole, as read (default), or only the fields of
   * Webex's request body (when writing the whole object back is a documented difference).
   */
  readonly writeBack?: 'whole' | 'webexRequestFields';
  /** Written at the end, to leave the settings as the other rows expect them. */
  readonly restore?: Readonly<Record<string, unknown>>;
}

export interface FixtureEndpoint {
  readonly method: Method;
  /** Webex's path, with Webex's parameter names in braces. */
  readonly path: string;
  /** Where the facts come from (codes of the file's `sources`, sections of COMPAT.md). */
  readonly source: string;
  readonly as: Role;
  readonly status: number | readonly number[];
  /** Query sent with the request whose response is checked. */
  readonly query?: string;
  /** Queries with Webex's parameter values that must be answered 200 (`$name` substituted). */
  readonly webexQueries?: readonly string[];
  readonly request?: Shape;
  readonly response?: Shape;
  /** Bodies a Webex client sends (`null`: no body at all); `$name` substituted. */
  readonly webexBodies?: readonly unknown[];
  /** Each body gets a recording of its own (owned by the caller) as `$recordingId`. */
  readonly freshRecordingPerBody?: boolean;
  /** Done to the recording before the request (restore and purge act on the recycle bin). */
  readonly before?: 'softDelete';
  readonly roundTrip?: RoundTrip;
  /**
   * Documented differences from Webex (path → why), left out of the check: response fields by
   * path (`items[].format`), request body fields as `request.<name>`, behaviour as `behaviour.<what>`.
   */
  readonly differs?: Readonly<Record<string, string>>;
}

export interface FixtureErrorCase {
  readonly name: string;
  readonly source: string;
  readonly method: Method;
  readonly path: string;
  readonly as: Role;
  readonly body?: unknown;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly response: Shape;
}

export interface FixtureFile {
  readonly file: string;
  readonly area: string;
  readonly sources: Readonly<Record<string, string>>;
  readonly $defs: ShapeDefs & {
    readonly WebexClientPut?: { body: unknown; expect: Record<string, unknown> };
  };
  readonly endpoints?: readonly FixtureEndpoint[];
  readonly cases?: readonly FixtureErrorCase[];
}

const FIXTURE_DIR = new URL('../../test-fixtures/webex-conformance/', import.meta.url);

export function loadWebexFixtures(): FixtureFile[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({
      file: name,
      ...(JSON.parse(fs.readFileSync(new URL(name, FIXTURE_DIR), 'utf8')) as Omit<
        FixtureFile,
        'file'
      >),
    }));
}

/** `GET /v1/x/{id}` — the key of an endpoint in the not-implemented list. */
export const endpointKey = (e: { method: string; path: string }): string => `${e.method} ${e.path}`;
