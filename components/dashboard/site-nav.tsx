'use client';

import { ChartNoAxesCombined, LayoutDashboard, ScrollText, Settings } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/cn';

const LINKS = [
  { href: '/', label: 'Dashboard', icon: LayoutDashboard, section: /^\/(connections\/.*)?$/ },
  { href: '/insights', label: 'Insights', icon: ChartNoAxesCombined, section: /^\/insights(\/.*)?$/ },
  { href: '/audit', label: 'Audit', icon: ScrollText, section: /^\/audit(\/.*)?$/ },
  { href: '/settings', label: 'Settings', icon: Settings, section: /^\/settings(\/.*)?$/ },
] as const;

/** The four places of the app; the current one is marked for eyes and for screen readers. */
export function SiteNav({ className }: { className?: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className={className}>
      <ul className="flex flex-wrap items-center gap-1">
        {LINKS.map(({ href, label, icon: Icon, section }) => {
          // The page itself is "page"; a page inside its section (a connection's page) is "true".
          const current = pathname === href ? 'page' : section.test(pathname) ? 'true' : undefined;
          return (
            <li key={href}>
              <Link
                href={href}
                // Every page is per-user and dynamic: prefetching them all from every page would
                // render them on the server for nothing (and abort mid-stream when not needed).
                prefetch={false}
                aria-current={current}
                className={cn(
                  'inline-flex h-9 items-center gap-1.5 rounded-md px-2.5 text-sm sm:px-3 font-medium text-muted-foreground transition-colors hover:bg-accent hover:text-accent-foreground',
                  current && 'bg-accent text-accent-foreground',
                )}
              >
                {/* Four labels fit a phone's width without their icons. */}
                <Icon className="size-4 max-sm:hidden" aria-hidden="true" />
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
