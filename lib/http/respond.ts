import 'server-only';
import { NextResponse } from 'next/server';
import type { z } from 'zod';

/**
 * A JSON value as the caller built it: where the wire has a string (a timestamp), a Date is fine,
 * since JSON.stringify turns it into exactly that string.
 */
type Serializable<T> = T extends string
  ? T | Date
  : T extends readonly (infer U)[]
    ? readonly Serializable<U>[]
    : T extends object
      ? { [K in keyof T]: Serializable<T[K]> }
      : T;

/**
 * A JSON response built through its documented schema (lib/api-schemas): what leaves is exactly
 * what the OpenAPI document describes. Fields the schema does not name are dropped, so a field
 * added to a lib result never reaches a caller undocumented; a value that breaks the schema is a
 * bug, answered as a 500 (handle-route.ts) rather than sent.
 */
export function respond<S extends z.ZodType>(schema: S, data: Serializable<z.output<S>>, init?: ResponseInit): NextResponse {
  const wire: unknown = JSON.parse(JSON.stringify(data));
  const parsed = schema.safeParse(wire);
  if (!parsed.success) {
    // Paths and messages only: the values may be tokens.
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Response does not match its documented schema: ${where}`);
  }
  return NextResponse.json(parsed.data, init);
}
