'use client';

import { useSyncExternalStore } from 'react';

/**
 * Which connection card to bring into view and mark, after the OAuth round trip named it. A tiny
 * store rather than context: the toast that learns the id and the card that shows it live in
 * different parts of the page.
 */
let highlighted: string | null = null;
const listeners = new Set<() => void>();

/** How long the mark stays: long enough to find the card, short enough not to linger as a state. */
export const HIGHLIGHT_MS = 8_000;

export function highlightConnection(id: string | null): void {
  highlighted = id;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useHighlightedConnection(): string | null {
  return useSyncExternalStore(
    subscribe,
    () => highlighted,
    () => null,
  );
}
