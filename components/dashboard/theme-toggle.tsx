'use client';

import { Monitor, Moon, Sun } from 'lucide-react';
import { useState } from 'react';
import { cn } from '@/lib/cn';
import { THEME_COOKIE, THEME_COOKIE_MAX_AGE, themeClass, type Theme } from '@/lib/theme';

const CHOICES = [
  { theme: 'light', label: 'Light theme', icon: Sun },
  { theme: 'dark', label: 'Dark theme', icon: Moon },
  { theme: 'system', label: 'System theme', icon: Monitor },
] as const satisfies readonly { theme: Theme; label: string; icon: unknown }[];

/** Applies the theme to this page at once and remembers it for the server's next render. */
function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.classList.remove('light', 'dark');
  const cls = themeClass(theme);
  if (cls) root.classList.add(cls);
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${THEME_COOKIE}=${theme}; Path=/; Max-Age=${THEME_COOKIE_MAX_AGE}; SameSite=Lax${secure}`;
}

/**
 * Light, dark, or whatever the system prefers. The choice is applied at once (the class on
 * <html>) and kept in a cookie, which the server reads to render the next page in it.
 */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);

  const choose = (next: Theme) => {
    setTheme(next);
    applyTheme(next);
  };

  return (
    <div role="group" aria-label="Colour theme" className="flex items-center rounded-md border p-0.5" data-testid="theme-toggle">
      {CHOICES.map(({ theme: value, label, icon: Icon }) => (
        <button
          key={value}
          type="button"
          aria-label={label}
          title={label}
          aria-pressed={theme === value}
          onClick={() => choose(value)}
          className={cn(
            'inline-flex size-7 items-center justify-center rounded-sm text-muted-foreground transition-colors outline-none hover:bg-accent hover:text-accent-foreground focus-visible:ring-2 focus-visible:ring-ring',
            theme === value && 'bg-accent text-accent-foreground',
          )}
        >
          <Icon className="size-4" aria-hidden="true" />
        </button>
      ))}
    </div>
  );
}
