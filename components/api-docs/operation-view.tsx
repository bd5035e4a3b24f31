import { Badge } from '@/components/ui/badge';
import { SchemaView, typeLabel, type JsonSchema } from './schema-view';

/** One operation of the OpenAPI document: method, path, auth, parameters, body and responses. */

export interface DocOperation {
  operationId: string;
  summary: string;
  description?: string;
  deprecated?: boolean;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, { description: string; headers?: Record<string, { description: string }>; content?: Record<string, { schema?: JsonSchema }> }>;
}

const AUTH_LABELS: Record<string, string> = {
  session: 'signed-in session',
  apiKey: 'API key (Bearer gk_…)',
  cronSecret: 'cron secret (Bearer)',
  svix: 'Svix signature',
};

/** The document's descriptions mark code with backticks (CommonMark, as OpenAPI allows): shown as code. */
export function InlineText({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, i) =>
        i % 2 === 1 ? (
          <code key={i} className="font-mono text-[0.9em]">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split('\n\n').map((p, i) => (
        <p key={i} className="text-sm text-muted-foreground">
          <InlineText text={p} />
        </p>
      ))}
    </>
  );
}

export function OperationView({ method, path, op }: { method: string; path: string; op: DocOperation }) {
  const auth = (op.security ?? []).flatMap((s) => Object.keys(s));
  return (
    <section id={op.operationId} aria-labelledby={`${op.operationId}-title`} className="flex flex-col gap-3 rounded-lg border p-4">
      <div className="flex flex-wrap items-center gap-2">
        <Badge variant={method === 'get' ? 'secondary' : method === 'delete' ? 'destructive' : 'default'} className="font-mono uppercase">
          {method}
        </Badge>
        <h3 id={`${op.operationId}-title`} className="font-mono text-sm font-semibold break-all">
          {path}
        </h3>
        {op.deprecated && <Badge variant="warning">deprecated</Badge>}
      </div>
      <p className="font-medium">{op.summary}</p>
      {op.description && <Paragraphs text={op.description} />}
      <p className="text-sm">
        <span className="font-medium">Auth: </span>
        {auth.length ? auth.map((a) => AUTH_LABELS[a] ?? a).join(' or ') : 'none'}
      </p>
      {op.parameters && op.parameters.length > 0 && (
        <div>
          <h4 className="text-sm font-medium">Parameters</h4>
          <ul className="ml-4 flex flex-col gap-1 text-sm">
            {op.parameters.map((p) => (
              <li key={`${p.in}:${p.name}`}>
                <code className="font-mono font-medium">{p.name}</code>{' '}
                <span className="text-xs text-muted-foreground">
                  {p.in} · <span className="font-mono">{typeLabel(p.schema)}</span>
                  {p.required ? ' · required' : ''}
                </span>
                {p.description && (
                  <p className="text-muted-foreground">
                    <InlineText text={p.description} />
                  </p>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {op.requestBody && (
        <div>
          <h4 className="text-sm font-medium">Body (JSON{op.requestBody.required ? '' : ', optional'})</h4>
          {op.requestBody.content['application/json']?.schema && <SchemaView schema={op.requestBody.content['application/json'].schema} />}
        </div>
      )}
      <div>
        <h4 className="text-sm font-medium">Responses</h4>
        <ul className="flex flex-col gap-2">
          {Object.entries(op.responses).map(([status, r]) => (
            <li key={status}>
              <details>
                <summary className="cursor-pointer text-sm">
                  <span className="font-mono font-semibold">{status}</span> <InlineText text={r.description} />
                  {r.content && <span className="text-xs text-muted-foreground"> · {Object.keys(r.content).join(', ')}</span>}
                </summary>
                {r.headers && (
                  <ul className="ml-4 text-sm">
                    {Object.entries(r.headers).map(([name, h]) => (
                      <li key={name}>
                        <code className="font-mono">{name}</code>: {h.description}
                      </li>
                    ))}
                  </ul>
                )}
                {r.content?.['application/json']?.schema && <SchemaView schema={r.content['application/json'].schema} />}
              </details>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
