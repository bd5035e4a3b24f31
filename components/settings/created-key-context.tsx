'use client';

import { createContext, useContext, useMemo, useState } from 'react';

/** A key created in this page view: the only place its secret exists after the server returned it. */
export interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  key: string;
}

interface CreatedKeyState {
  created: CreatedKey | null;
  setCreated: (key: CreatedKey | null) => void;
}

const Context = createContext<CreatedKeyState>({ created: null, setCreated: () => {} });

/**
 * Shares the just-created key between the API keys section (which shows it once) and the token API
 * guide (which puts it in the ready curl line). Client state only: a reload forgets it for good.
 */
export function CreatedKeyProvider({ children }: { children: React.ReactNode }) {
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const value = useMemo(() => ({ created, setCreated }), [created]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useCreatedKey(): CreatedKeyState {
  return useContext(Context);
}
