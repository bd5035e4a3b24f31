import { cookies } from 'next/headers';
import { parseTheme, THEME_COOKIE } from '@/lib/theme';
import { ThemeToggle } from './theme-toggle';

/** The header's theme toggle, rendered with the stored choice already marked (no flicker on hydration). */
export async function ThemeSwitch() {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return <ThemeToggle initial={theme} />;
}
