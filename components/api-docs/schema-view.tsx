/**
 * A JSON Schema (from the OpenAPI document) as nested lists: each property with its type,
 * whether it is required, and its description. Server-rendered, no script: it works offline and
 * under the page CSP.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: JsonSchema | boolean;
};

const isNull = (s: JsonSchema) => s.type === 'null';

/** A one-line name for a schema's type: `string (date-time)`, `"a" | "b"`, `array of object`. */
export function typeLabel(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    const nonNull = variants.filter((v) => !isNull(v));
    const label = nonNull.length === 1 ? typeLabel(nonNull[0]!) : nonNull.length > 1 ? 'one of' : 'null';
    return nonNull.length < variants.length && nonNull.length > 0 ? `${label} | null` : label;
  }
  if (schema.type === 'array') return `array of ${schema.items ? typeLabel(schema.items) : 'anything'}`;
  if (schema.type === 'object' && !schema.properties && schema.additionalProperties) return 'object (map)';
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
}

function bounds(schema: JsonSchema): string | null {
  const parts = [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : null,
    schema.maximum !== undefined ? `≤ ${schema.maximum}` : null,
    schema.minLength !== undefined ? `min ${schema.minLength} chars` : null,
    schema.maxLength !== undefined ? `max ${schema.maxLength} chars` : null,
    schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** The schemas nested below this one: object properties, array items, union variants. */
function children(schema: JsonSchema): { label?: string; schema: JsonSchema }[] {
  const variants = (schema.anyOf ?? schema.oneOf ?? []).filter((v) => !isNull(v));
  if (variants.length === 1) return children(variants[0]!);
  if (variants.length > 1) return variants.map((v, i) => ({ label: `variant ${i + 1}`, schema: v }));
  if (schema.type === 'array' && schema.items) return children(schema.items);
  return [];
}

export function SchemaView({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  if (depth > 8) return null;
  const props = schema.properties ?? propertiesOf(schema);
  const nested = props ? [] : children(schema);
  if (!props && nested.length === 0) return null;
  return (
    <ul className="ml-4 flex flex-col gap-1 border-l pl-3 text-sm">
      {props &&
        Object.entries(props).map(([name, prop]) => (
          <li key={name}>
            <code className="font-mono font-medium">{name}</code>{' '}
            <span className="font-mono text-xs text-muted-foreground">{typeLabel(prop)}</span>
            {(schema.required ?? requiredOf(schema)).includes(name) ? null : <span className="text-xs text-muted-foreground"> optional</span>}
            {bounds(prop) && <span className="text-xs text-muted-foreground"> · {bounds(prop)}</span>}
            {prop.description && <p className="text-muted-foreground">{prop.description}</p>}
            <SchemaView schema={prop} depth={depth + 1} />
          </li>
        ))}
      {nested.map((child, i) => (
        <li key={i}>
          {child.label && <span className="text-xs font-medium text-muted-foreground">{child.label}</span>}
          <SchemaView schema={child.schema} depth={depth + 1} />
        </li>
      ))}
    </ul>
  );
}

/** An object behind a nullable union or an array: its properties, so they are listed at this level. */
function unwrap(schema: JsonSchema): JsonSchema {
  const variants = (schema.anyOf ?? schema.oneOf ?? []).filter((v) => !isNull(v));
  if (variants.length === 1) return unwrap(variants[0]!);
  if (schema.type === 'array' && schema.items) return unwrap(schema.items);
  return schema;
}
const propertiesOf = (schema: JsonSchema) => (unwrap(schema) === schema ? undefined : unwrap(schema).properties);
const requiredOf = (schema: JsonSchema) => unwrap(schema).required ?? [];
