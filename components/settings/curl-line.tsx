'use client';

import { Fragment, useId, useRef, useState } from 'react';
import { CopyButton } from './copy-button';
import { useCreatedKey } from './created-key-context';

export interface TokenConnectionChoice {
  id: string;
  label: string;
}

/** A ready-to-run request: the just-created key when there is one, this deployment's origin, a chosen connection. */
export function CurlLine({
  origin,
  connections,
  choose = true,
  more = false,
}: {
  origin: string;
  connections: TokenConnectionChoice[];
  /** false on a connection's own page: the line is for that one connection, nothing to pick. */
  choose?: boolean;
  /** The picker offers only the first connections: say where the others' lines are. */
  more?: boolean;
}) {
  const selectId = useId();
  const { created } = useCreatedKey();
  const [connectionId, setConnectionId] = useState(connections[0]?.id ?? '');
  const code = useRef<HTMLElement>(null);
  const key = created?.key ?? 'gk_…';
  const url = `${origin}/api/v1/connections/${connectionId || '<connection-id>'}/access-token`;
  const line = `curl -H "Authorization: Bearer ${key}" ${url}`;

  const select = () => {
    const range = document.createRange();
    if (!code.current) return;
    range.selectNodeContents(code.current);
    window.getSelection()?.removeAllRanges();
    window.getSelection()?.addRange(range);
  };

  return (
    <div className="flex flex-col gap-3">
      {!choose ? null : connections.length > 0 ? (
        <div className="flex max-w-md flex-col gap-1 text-sm">
          <label htmlFor={selectId} className="font-medium">
            Connection
          </label>
          <select
            id={selectId}
            value={connectionId}
            onChange={(e) => setConnectionId(e.target.value)}
            className="h-9 w-full min-w-0 rounded-md border border-input bg-background px-2 text-sm outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/70"
            data-testid="curl-connection"
          >
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
          {more && (
            <p className="text-xs text-muted-foreground" data-testid="curl-connection-more">
              The first {connections.length} live connections are listed; every connection’s own page has this line with its id.
            </p>
          )}
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">Connect an account on the dashboard first; its id goes where the line says.</p>
      )}
      <div className="flex flex-col gap-2 rounded-lg border bg-muted/50 p-3 sm:flex-row sm:items-start">
        <pre className="min-w-0 flex-1 text-xs leading-relaxed whitespace-pre-wrap wrap-anywhere">
          <code ref={code} data-testid="curl-line">
            curl -H &quot;Authorization: Bearer {key}&quot; {breakAfterSlashes(url)}
          </code>
        </pre>
        <CopyButton value={line} label="Copy command" size="sm" fallbackSelect={select} data-testid="copy-curl" />
      </div>
      {!created && (
        <p className="text-xs text-muted-foreground">
          Replace <span className="font-mono">gk_…</span> with one of your keys; a key created above fills in here by
          itself.
        </p>
      )}
    </div>
  );
}

/** The URL with line-break opportunities after each slash, so a narrow screen wraps it between segments. */
function breakAfterSlashes(url: string): React.ReactNode {
  return url.split('/').map((part, i) => (
    <Fragment key={i}>
      {i > 0 && (
        <>
          /<wbr />
        </>
      )}
      {part}
    </Fragment>
  ));
}
