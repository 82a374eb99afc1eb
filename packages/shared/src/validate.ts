// Checks a request body against its API schema where there is no server: the console checks a
// form (or a CSV row) with the same schema the server validates, so both refuse the same input.
// Each problem names the field (a JSON pointer) and the rule it broke, for the console to word.
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';

/**
 * The `email` format as the server's validator (ajv-formats, "fast" mode) reads it, so a browser
 * and the server agree on which addresses are well-formed.
 */
export const EMAIL_PATTERN =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Teaches TypeBox the formats the request schemas use; on first use, not at import. */
function registerFormats(): void {
  if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (v) => EMAIL_PATTERN.test(v));
}

export type ProblemRule =
  | 'required'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'format'
  | 'allowedValues'
  | 'minItems'
  | 'maxItems'
  | 'unknownField'
  | 'type';

export interface FieldProblem {
  /** JSON pointer of the field, e.g. `/emails/0`; `/name` for a missing `name`. */
  readonly path: string;
  readonly rule: ProblemRule;
  /** The length or count limit of minLength, maxLength, minItems, maxItems. */
  readonly limit?: number;
}

/** The rule of each error kind a request schema can report, when no limit goes with it. */
const PLAIN_RULES: ReadonlyMap<ValueErrorType, ProblemRule> = new Map([
  [ValueErrorType.ObjectRequiredProperty, 'required'],
  [ValueErrorType.StringPattern, 'pattern'],
  [ValueErrorType.StringFormat, 'format'],
  [ValueErrorType.StringFormatUnknown, 'format'],
  [ValueErrorType.ObjectAdditionalProperties, 'unknownField'],
  [ValueErrorType.Literal, 'allowedValues'],
]);

/** Error kinds that carry a limit, and the schema keyword the limit is read from. */
const LIMIT_RULES: ReadonlyMap<
  ValueErrorType,
  'minLength' | 'maxLength' | 'minItems' | 'maxItems'
> = new Map([
  [ValueErrorType.StringMinLength, 'minLength'],
  [ValueErrorType.StringMaxLength, 'maxLength'],
  [ValueErrorType.ArrayMinItems, 'minItems'],
  [ValueErrorType.ArrayMaxItems, 'maxItems'],
] as const);

function ruleOf(error: ValueError): FieldProblem {
  const path = error.path;
  const plain = PLAIN_RULES.get(error.type);
  if (plain) return { path, rule: plain };
  const limited = LIMIT_RULES.get(error.type);
  if (limited) {
    const limit: unknown = (error.schema as Record<string, unknown>)[limited];
    // An empty string where one character is the least is simply a field left blank.
    if (limited === 'minLength' && limit === 1) return { path, rule: 'required' };
    return { path, rule: limited, ...(typeof limit === 'number' ? { limit } : {}) };
  }
  if (error.type === ValueErrorType.Union) {
    // `X | null` and literal unions: the first branch that is not `null` says what was wrong.
    for (const branch of error.errors) {
      const first = branch.First();
      if (first && first.type !== ValueErrorType.Null) return ruleOf(first);
    }
    return { path, rule: 'allowedValues' };
  }
  return { path, rule: 'type' };
}

/** Every field that breaks `schema`, one problem per field (the first rule it breaks). */
export function findProblems(schema: TSchema, value: unknown): FieldProblem[] {
  registerFormats();
  const byPath = new Map<string, FieldProblem>();
  for (const error of Value.Errors(schema, value)) {
    const problem = ruleOf(error);
    if (!byPath.has(problem.path)) byPath.set(problem.path, problem);
  }
  return [...byPath.values()];
}

/** A request body schema, as findProblems takes it (the console names the type through here). */
export type RequestSchema = TSchema;
