import { ClerkProvider } from '@clerk/nextjs';
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { connection } from 'next/server';
import { QueryProvider } from '@/components/query-provider';
import { Toaster } from '@/components/ui/sonner';
import { getEnv } from '@/lib/env';
import './globals.css';

export const metadata: Metadata = {
  title: 'Grantkeeper',
  description: 'Keeps your Amazon Ads, LinkedIn, X and Meta grants alive.',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is per-user, the sign-in mode is read at run time, and each response carries its
  // own CSP nonce (proxy.ts): nothing is prerendered.
  await connection();
  const { auth } = getEnv();
  const page = (
    <html lang="en">
      <body className="min-h-dvh bg-background text-foreground antialiased">
        <QueryProvider>{children}</QueryProvider>
        <Toaster />
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
}
