// The CI check that no string exists in one language only: every namespace has the same keys in
// English and Swedish, no value is empty, and both interpolate the same variables.
import { describe, expect, it } from 'vitest';
import { resources } from './resources.js';

type Tree = { readonly [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1] ?? '').sort();
}

/** Plural forms of a key (`_one`, `_other`) are one key for the comparison of variables. */
function baseKey(key: string): string {
  return key.replace(/_(zero|one|two|few|many|other)$/, '');
}

const namespaces = Object.keys(resources.en) as (keyof typeof resources.en)[];

describe('console translations', () => {
  it('has the same namespaces in English and Swedish', () => {
    expect(Object.keys(resources.sv).sort()).toEqual([...namespaces].sort());
  });

  for (const ns of namespaces) {
    describe(ns, () => {
      const en = flatten(resources.en[ns]);
      const sv = flatten(resources.sv[ns]);

      it('has every key in both languages', () => {
        const missingInSv = [...en.keys()].filter((k) => !sv.has(k));
        const missingInEn = [...sv.keys()].filter((k) => !en.has(k));
        expect({ missingInSv, missingInEn }).toEqual({ missingInSv: [], missingInEn: [] });
      });

      it('has no empty translation', () => {
        const empty = [...en, ...sv].filter(([, v]) => v.trim() === '').map(([k]) => k);
        expect(empty).toEqual([]);
      });

      it('interpolates the same variables in both languages', () => {
        const differing: string[] = [];
        const enVars = new Map<string, Set<string>>();
        for (const [k, v] of en) {
          const set = enVars.get(baseKey(k)) ?? new Set<string>();
          for (const name of variables(v)) set.add(name);
          enVars.set(baseKey(k), set);
        }
        const svVars = new Map<string, Set<string>>();
        for (const [k, v] of sv) {
          const set = svVars.get(baseKey(k)) ?? new Set<string>();
          for (const name of variables(v)) set.add(name);
          svVars.set(baseKey(k), set);
        }
        for (const [k, set] of enVars) {
          const other = svVars.get(k) ?? new Set<string>();
          const a = [...set].sort().join(',');
          const b = [...other].sort().join(',');
          if (a !== b) differing.push(`${k}: en {${a}} sv {${b}}`);
        }
        expect(differing).toEqual([]);
      });
    });
  }
});
