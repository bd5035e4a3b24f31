import Link from 'next/link';
import { InlineText, OperationView, type DocOperation } from '@/components/api-docs/operation-view';
import { ERROR_STATUS } from '@/lib/http/errors';
import { openApiDocument } from '@/lib/openapi/document';
import { withRequestContext } from '@/lib/http/render-context';

export const metadata = { title: 'API reference · Grantkeeper' };

/**
 * The API reference, rendered on the server from the same OpenAPI document as
 * /api/v1/openapi.json: no script, no CDN, nothing fetched, so it works offline and under the CSP.
 */
export default withRequestContext(function ApiReferencePage() {
  const doc = openApiDocument();
  const info = doc.info as { title: string; version: string; description: string };
  const tags = (doc.tags as { name: string }[]).map((t) => t.name);
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as unknown as DocOperation & { tags: string[] } })),
  );
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-8 px-4 py-6 sm:px-6">
      <header className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">{info.title}</h1>
        <p className="text-sm text-muted-foreground">
          Version {info.version} · OpenAPI 3.1 ·{' '}
          <a href="/api/v1/openapi.json" className="font-medium text-primary underline underline-offset-4">
            openapi.json
          </a>{' '}
          ·{' '}
          <Link href="/" prefetch={false} className="font-medium text-primary underline underline-offset-4">
            Dashboard
          </Link>
        </p>
        {info.description.split('\n\n').map((p, i) => (
          <p key={i} className="text-sm">
            <InlineText text={p} />
          </p>
        ))}
        <nav aria-label="Sections">
          <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {tags.map((tag) => (
              <li key={tag}>
                <a href={`#${slug(tag)}`} className="text-primary underline underline-offset-4">
                  {tag}
                </a>
              </li>
            ))}
            <li>
              <a href="#errors" className="text-primary underline underline-offset-4">
                Errors
              </a>
            </li>
          </ul>
        </nav>
      </header>
      {tags.map((tag) => (
        <section key={tag} id={slug(tag)} aria-labelledby={`${slug(tag)}-title`} className="flex flex-col gap-4">
          <h2 id={`${slug(tag)}-title`} className="text-xl font-semibold">
            {tag}
          </h2>
          {operations
            .filter((o) => o.op.tags.includes(tag))
            .map((o) => (
              <OperationView key={o.op.operationId} method={o.method} path={o.path} op={o.op} />
            ))}
        </section>
      ))}
      <section id="errors" aria-labelledby="errors-title" className="flex flex-col gap-2">
        <h2 id="errors-title" className="text-xl font-semibold">
          Error codes
        </h2>
        <table className="w-fit text-sm">
          <thead>
            <tr>
              <th className="pr-6 text-left font-medium">code</th>
              <th className="text-left font-medium">HTTP status</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(ERROR_STATUS).map(([code, status]) => (
              <tr key={code}>
                <td className="pr-6 font-mono">{code}</td>
                <td className="font-mono">{status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
});

function slug(tag: string): string {
  return tag.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
