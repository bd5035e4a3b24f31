'use client';

import { useEffect, type RefObject } from 'react';

/**
 * Keeps the keyboard focus on a filter across a navigation the router could not do in place. A
 * filter change is normally a soft navigation that keeps the form mounted (and its focus); when
 * the page payload cannot be fetched, Next falls back to a full browser navigation, which would
 * drop a keyboard user back at the top of the document. Before navigating, the filter remembers
 * which field had the focus and for which URL; the form, mounting on that URL, puts it back.
 */
const KEY = 'grantkeeper:focus-carry';

interface Carried {
  id: string;
  href: string;
}

/** Remembers the focused field of `form` (if any) for a navigation to `href`. */
export function carryFocus(form: HTMLElement | null, href: string): void {
  const active = document.activeElement;
  if (!form || !(active instanceof HTMLElement) || !active.id || !form.contains(active)) return;
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ id: active.id, href } satisfies Carried));
  } catch {
    // Storage refused (private mode, quota): the focus is then lost only on a fallback navigation.
  }
}

/** Forgets what was carried: the navigation landed without a reload, so the focus never left. */
export function dropCarriedFocus(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}

/**
 * On mount: if the page was reached by a reload that a filter change started, focus that field
 * again — only on that URL, and only when nothing else has the focus yet.
 */
export function restoreCarriedFocus(): void {
  let carried: Carried | null = null;
  try {
    const raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    carried = raw ? (JSON.parse(raw) as Carried) : null;
  } catch {
    return;
  }
  if (!carried || carried.href !== window.location.pathname + window.location.search) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  document.getElementById(carried.id)?.focus();
}

/**
 * The three steps for a filter form whose changes navigate: put the focus back on mount, forget it
 * once the page's own filters (`applied`, their URL) change in place, and the function to call with
 * the URL just before navigating to it.
 */
export function useFocusCarry(form: RefObject<HTMLElement | null>, applied: string): (href: string) => void {
  useEffect(() => restoreCarriedFocus(), []);
  // The page's filters changed while mounted: a soft navigation landed and the focus stayed.
  useEffect(() => dropCarriedFocus(), [applied]);
  return (href: string) => carryFocus(form.current, href);
}
