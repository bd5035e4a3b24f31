import { CurlLine, type TokenConnectionChoice } from './curl-line';

const ERRORS: { status: string; code: string; meaning: string }[] = [
  { status: '401', code: 'unauthenticated', meaning: 'The key is missing, malformed, wrong or revoked.' },
  { status: '404', code: 'not_found', meaning: 'No such connection for this key’s owner.' },
  { status: '409', code: 'needs_reauth', meaning: 'The provider no longer accepts the grant: reconnect it on the dashboard.' },
  { status: '409', code: 'revoked', meaning: 'The connection was disconnected.' },
  {
    status: '503',
    code: 'provider_unavailable',
    meaning: 'The provider is not issuing tokens right now. Wait the seconds in the Retry-After header, then try again.',
  },
];

const RESPONSE = `{
  "access_token": "…",
  "token_type": "bearer",
  "expires_at": "2026-01-01T12:00:00.000Z"
}`;

const ERROR_BODY = `{ "error": { "code": "needs_reauth", "message": "…", "requestId": "…" } }`;

/** How a sync job gets a token: the request, the answer, and what each failure means. */
export function TokenApiGuide({ origin, connections, more = false }: { origin: string; connections: TokenConnectionChoice[]; more?: boolean }) {
  return (
    <div className="flex flex-col gap-4 text-sm">
      <p className="text-muted-foreground">
        Ask for a token right before each provider call: Grantkeeper refreshes it first when it is about to expire. Never
        cache it past <span className="font-mono">expires_at</span>; the refresh token never leaves Grantkeeper.
      </p>
      <CurlLine origin={origin} connections={connections} more={more} />
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="flex min-w-0 flex-col gap-2">
          <h3 className="font-medium">200 OK</h3>
          <pre className="rounded-lg border bg-muted/50 p-3 text-xs whitespace-pre-wrap wrap-anywhere">
            <code>{RESPONSE}</code>
          </pre>
        </div>
        <div className="flex min-w-0 flex-col gap-2">
          <h3 className="font-medium">Errors</h3>
          <pre className="rounded-lg border bg-muted/50 p-3 text-xs whitespace-pre-wrap wrap-anywhere">
            <code>{ERROR_BODY}</code>
          </pre>
          <ul className="flex flex-col gap-2" data-testid="token-api-errors">
            {ERRORS.map((e) => (
              <li key={e.code} className="flex gap-2">
                <span className="w-9 shrink-0 font-mono font-medium">{e.status}</span>
                <span className="min-w-0">
                  <span className="font-mono">{e.code}</span>: {e.meaning}
                </span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
