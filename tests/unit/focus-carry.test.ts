import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { carryFocus, dropCarriedFocus, restoreCarriedFocus } from '@/components/focus-carry';

/**
 * components/focus-carry.ts, shared by the audit and insights filters: the focused field is
 * remembered for the URL a filter navigates to, and focused again only when the page that mounts
 * is that URL (a fallback full navigation), never after a soft one (dropped) or elsewhere.
 * The tests run in node: a small stand-in for the DOM and sessionStorage.
 */

class FakeElement {
  constructor(
    readonly id: string,
    private readonly parent: FakeElement | null = null,
  ) {}
  contains(other: FakeElement | null): boolean {
    for (let el = other; el; el = el.parent) if (el === this) return true;
    return false;
  }
  focus(): void {
    fakeDocument.activeElement = this;
  }
}

const body = new FakeElement('');
const form = new FakeElement('filters', body);
const field = new FakeElement('filter-outcome', form);
const outside = new FakeElement('elsewhere', body);
const elements = new Map([field, outside].map((e) => [e.id, e]));
const fakeDocument = { body, activeElement: body as FakeElement | null, getElementById: (id: string) => elements.get(id) ?? null };
const storage = new Map<string, string>();
const location = { pathname: '/insights', search: '' };

const g = globalThis as Record<string, unknown>;
const saved = { document: g.document, window: g.window, sessionStorage: g.sessionStorage, HTMLElement: g.HTMLElement };

beforeEach(() => {
  storage.clear();
  fakeDocument.activeElement = body;
  Object.assign(location, { pathname: '/insights', search: '' });
  g.HTMLElement = FakeElement;
  g.document = fakeDocument;
  g.window = { location };
  g.sessionStorage = {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  };
});

afterEach(() => Object.assign(g, saved));

/** The page reloaded on `href`: nothing has the focus yet. */
function reloadOn(href: string) {
  const url = new URL(href, 'http://localhost');
  Object.assign(location, { pathname: url.pathname, search: url.search });
  fakeDocument.activeElement = body;
}

describe('focus carry', () => {
  it('a fallback full navigation to the carried URL focuses the field again', () => {
    field.focus();
    carryFocus(form as unknown as HTMLElement, '/insights?platform=meta');
    reloadOn('/insights?platform=meta');
    restoreCarriedFocus();
    expect(fakeDocument.activeElement).toBe(field);
    // Used once: a later reload of the same page does not steal the focus.
    reloadOn('/insights?platform=meta');
    restoreCarriedFocus();
    expect(fakeDocument.activeElement).toBe(body);
  });

  it('a soft navigation drops what was carried; another URL, a field outside the form or a focus already placed keep it from applying', () => {
    field.focus();
    carryFocus(form as unknown as HTMLElement, '/audit?outcome=success');
    dropCarriedFocus();
    reloadOn('/audit?outcome=success');
    restoreCarriedFocus();
    expect(fakeDocument.activeElement).toBe(body);

    field.focus();
    carryFocus(form as unknown as HTMLElement, '/audit?outcome=success');
    reloadOn('/audit?outcome=failure');
    restoreCarriedFocus();
    expect(fakeDocument.activeElement).toBe(body);

    outside.focus();
    carryFocus(form as unknown as HTMLElement, '/audit');
    expect(storage.size).toBe(0);

    field.focus();
    carryFocus(form as unknown as HTMLElement, '/audit');
    reloadOn('/audit');
    outside.focus();
    restoreCarriedFocus();
    expect(fakeDocument.activeElement).toBe(outside);
  });
});
