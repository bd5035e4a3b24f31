import { ClerkProvider } from '@clerk/nextjs';
import type { Metadata } from 'next';
import { cookies, headers } from 'next/headers';
import { connection } from 'next/server';
import { ErrorTracking } from '@/components/error-tracking';
import { QueryProvider } from '@/components/query-provider';
import { Toaster } from '@/components/ui/sonner';
import { getEnv } from '@/lib/env';
import { parseTheme, THEME_COOKIE, themeClass } from '@/lib/theme';
import { withRequestContext } from '@/lib/http/render-context';
import './globals.css';

export const metadata: Metadata = {
  title: 'Grantkeeper',
  description: 'Keeps your Amazon Ads, LinkedIn, X and Meta grants alive.',
};

export default withRequestContext(async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is per-user, the sign-in mode is read at run time, and each response carries its
  // own CSP nonce (proxy.ts): nothing is prerendered.
  await connection();
  const { auth, observability } = getEnv();
  // The header's choice, rendered by the server: the first paint is already in the right theme.
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  const page = (
    <html lang="en" className={themeClass(theme)}>
      <body className="min-h-dvh bg-background text-foreground antialiased">
        <QueryProvider>{children}</QueryProvider>
        <Toaster theme={theme} />
        {observability.sentryDsn ? <ErrorTracking dsn={observability.sentryDsn} environment={observability.sentryEnvironment} /> : null}
      </body>
    </html>
  );
  // The publishable key is read at run time, so one build serves both sign-in modes.
  if (auth.mode !== 'clerk') return page;
  // Clerk's browser script is added by Clerk's own script; the nonce lets the CSP accept it.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <ClerkProvider publishableKey={auth.publishableKey} nonce={nonce}>
      {page}
    </ClerkProvider>
  );
});
