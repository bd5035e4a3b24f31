import { z } from 'zod';

/**
 * The colour theme a person picked in the header. "system" follows prefers-color-scheme, in CSS
 * alone (app/globals.css), so it is also what a first visit gets.
 */
export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

/** Read by app/layout.tsx on every request, so the server renders the right class: no flash. */
export const THEME_COOKIE = 'grantkeeper-theme';
/** A year; renewed on every change. */
export const THEME_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

const themeSchema = z.enum(THEMES).catch('system');

/** The cookie's value, anything unexpected (or none) counting as "system". */
export function parseTheme(value: string | undefined): Theme {
  return themeSchema.parse(value);
}

/** The class on <html>: none for "system", so the media query decides. */
export function themeClass(theme: Theme): 'light' | 'dark' | undefined {
  return theme === 'system' ? undefined : theme;
}
