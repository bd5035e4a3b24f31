import 'server-only';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { withLogContext } from '../log-context';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * The log context of a request served by something other than a route handler (handle-route.ts
 * enters it there): a server action (lib/actions/action-context.ts) or a page render. Every line
 * lib code logs inside fn carries the request id proxy.ts gave the request, and echoed on the
 * response as x-request-id, without the id being passed down.
 */
export async function inRequestContext<T>(fn: () => Promise<T>): Promise<T> {
  const requestId = (await headers()).get(REQUEST_ID_HEADER) ?? undefined;
  return withLogContext({ requestId }, fn);
}

/**
 * A page, layout or async section that renders inside its request's log context. React renders
 * each async server component on its own, outside its parent's call, so the context does not flow
 * from a page to the sections it returns: every one that calls lib code is wrapped itself.
 * Every page.tsx and layout.tsx is, and every async not-found.tsx (render-context.test.ts checks).
 */
export function withRequestContext<P>(render: (props: P) => ReactNode | Promise<ReactNode>): (props: P) => Promise<ReactNode> {
  const rendered = (props: P) => inRequestContext(async () => render(props));
  // React DevTools and Next's error messages name the component, not this wrapper.
  Object.defineProperty(rendered, 'name', { value: render.name || 'Rendered' });
  return rendered;
}
