import { RelativeTime } from '@/components/dashboard/time';
import type { ApiKeySummary } from '@/lib/api-keys/keys';
import { RevokeApiKeyButton } from './revoke-api-key-button';

/** The user's live keys: what they are called and when they were used, never the secret. */
export function ApiKeyList({ keys }: { keys: ApiKeySummary[] }) {
  if (keys.length === 0) {
    return (
      <p className="rounded-lg border border-dashed p-4 text-sm text-muted-foreground" data-testid="api-keys-empty">
        No API keys yet. Your sync jobs need one to ask Grantkeeper for access tokens.
      </p>
    );
  }
  return (
    <ul className="divide-y rounded-lg border" aria-label="Your API keys" data-testid="api-key-list">
      {keys.map((k) => (
        <li
          key={k.id}
          className="flex flex-col gap-3 p-3 sm:flex-row sm:items-center sm:justify-between"
          data-testid="api-key-row"
          data-prefix={k.prefix}
        >
          <div className="flex min-w-0 flex-col gap-1">
            <p className="truncate font-medium" data-testid="api-key-row-name">
              {k.name}
            </p>
            <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
              <div className="flex gap-1">
                <dt>Prefix</dt>
                <dd className="font-mono text-foreground">{k.prefix}</dd>
              </div>
              <div className="flex gap-1">
                <dt>Created</dt>
                <dd>
                  <RelativeTime iso={k.createdAt.toISOString()} />
                </dd>
              </div>
              <div className="flex gap-1">
                <dt>Last used</dt>
                <dd data-testid="api-key-last-used">{k.lastUsedAt ? <RelativeTime iso={k.lastUsedAt.toISOString()} /> : 'never'}</dd>
              </div>
            </dl>
          </div>
          <RevokeApiKeyButton id={k.id} name={k.name} prefix={k.prefix} />
        </li>
      ))}
    </ul>
  );
}
