// The small part of JSON Schema the Webex conformance fixtures use (test-fixtures/webex-conformance):
// type, enum, required, properties, items, minItems, minimum, maximum, pattern, format date-time,
// allOf and `$ref` into the fixture's `$defs`. Properties a schema does not name are allowed:
// Callvault's own fields are additive. Every failure is reported with its JSON path.

export interface Shape {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Shape>>;
  readonly items?: Shape;
  readonly minItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly format?: 'date-time';
  readonly allOf?: readonly Shape[];
  readonly $ref?: string;
}

export type ShapeDefs = Readonly<Record<string, Shape>>;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(actual: string, wanted: string): boolean {
  return actual === wanted || (wanted === 'number' && actual === 'integer');
}

/**
 * The shape with every `$ref` replaced by its definition and every `allOf` merged into one object
 * shape, so it can be read and trimmed by path.
 */
export function resolveShape(shape: Shape, defs: ShapeDefs): Shape {
  if (shape.$ref !== undefined) {
    const name = shape.$ref.replace(/^#\/\$defs\//, '');
    const def = defs[name];
    if (def === undefined) throw new Error(`unknown $ref ${shape.$ref}`);
    return resolveShape(def, defs);
  }
  if (shape.allOf !== undefined) {
    const parts = shape.allOf.map((part) => resolveShape(part, defs));
    return {
      type: 'object',
      required: parts.flatMap((p) => p.required ?? []),
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Record<
        string,
        Shape
      >,
    };
  }
  const resolved: { -readonly [K in keyof Shape]: Shape[K] } = { ...shape };
  if (shape.properties !== undefined) {
    resolved.properties = Object.fromEntries(
      Object.entries(shape.properties).map(([k, v]) => [k, resolveShape(v, defs)]),
    );
  }
  if (shape.items !== undefined) resolved.items = resolveShape(shape.items, defs);
  return resolved;
}

/**
 * The resolved shape without the fields at `paths` (`a.b`, `items[].c`): neither required nor
 * checked. These are the documented differences from Webex (a fixture's `differs`).
 */
export function withoutFields(shape: Shape, paths: readonly string[]): Shape {
  let result = shape;
  for (const path of paths) result = withoutField(result, path.split('.'), path);
  return result;
}

function withoutField(shape: Shape, steps: readonly string[], path: string): Shape {
  const [first, ...rest] = steps;
  if (first === undefined) return shape;
  const isArray = first.endsWith('[]');
  const name = isArray ? first.slice(0, -2) : first;
  const child = shape.properties?.[name];
  if (child === undefined) throw new Error(`differs names ${path}, which the fixture does not`);
  if (rest.length === 0 && !isArray) {
    const { [name]: _removed, ...properties } = shape.properties ?? {};
    return { ...shape, properties, required: (shape.required ?? []).filter((r) => r !== name) };
  }
  const trimmed = isArray
    ? { ...child, items: withoutField(child.items ?? {}, rest, path) }
    : withoutField(child, rest, path);
  return { ...shape, properties: { ...shape.properties, [name]: trimmed } };
}

/** Every way `value` fails `shape` (resolved), as `path: problem` lines; empty when it conforms. */
export function shapeErrors(value: unknown, shape: Shape, path = '$'): string[] {
  const errors: string[] = [];
  const actual = typeOf(value);
  if (shape.type !== undefined) {
    const wanted = typeof shape.type === 'string' ? [shape.type] : shape.type;
    if (!wanted.some((w) => typeMatches(actual, w))) {
      return [`${path}: is ${actual}, Webex has ${wanted.join(' | ')}`];
    }
  }
  if (shape.enum !== undefined && !shape.enum.includes(value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(shape.enum)}`);
  }
  if (typeof value === 'number') {
    if (shape.minimum !== undefined && value < shape.minimum) {
      errors.push(`${path}: ${value} < ${shape.minimum}`);
    }
    if (shape.maximum !== undefined && value > shape.maximum) {
      errors.push(`${path}: ${value} > ${shape.maximum}`);
    }
  }
  if (typeof value === 'string') {
    if (shape.pattern !== undefined && !new RegExp(shape.pattern).test(value)) {
      errors.push(`${path}: ${JSON.stringify(value)} does not match ${shape.pattern}`);
    }
    if (shape.format === 'date-time' && !ISO_DATE_TIME.test(value)) {
      errors.push(`${path}: ${JSON.stringify(value)} is not an ISO 8601 date-time`);
    }
  }
  if (Array.isArray(value)) {
    if (shape.minItems !== undefined && value.length < shape.minItems) {
      errors.push(`${path}: ${value.length} items, the check needs at least ${shape.minItems}`);
    }
    if (shape.items !== undefined) {
      const items = shape.items;
      value.forEach((item, i) => errors.push(...shapeErrors(item, items, `${path}[${i}]`)));
    }
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of shape.required ?? []) {
      if (!(name in object)) errors.push(`${path}.${name}: missing (Webex requires it)`);
    }
    for (const [name, child] of Object.entries(shape.properties ?? {})) {
      if (name in object) errors.push(...shapeErrors(object[name], child, `${path}.${name}`));
    }
  }
  return errors;
}
