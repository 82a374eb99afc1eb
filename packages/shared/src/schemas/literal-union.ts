import { Type, type SchemaOptions, type TLiteral, type TUnion } from '@sinclair/typebox';

/** A union schema of string literals whose static type is the union of those literals. */
export function literalUnion<const T extends readonly string[]>(
  values: T,
  options?: SchemaOptions,
): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(
    values.map((v): TLiteral<T[number]> => Type.Literal(v)),
    options,
  );
}
