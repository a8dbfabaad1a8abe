import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DeskStore } from './create-store';
import type { DeskState } from './types';

export const DeskStoreContext = createContext<DeskStore | null>(null);

export function useDeskStore(): DeskStore {
  const store = useContext(DeskStoreContext);
  if (!store) throw new Error('useDesk outside DeskStoreContext');
  return store;
}

/** Reads one value of the desk state; the component renders again when it changes. */
export function useDesk<T>(selector: (state: DeskState) => T): T {
  return useStore(useDeskStore(), selector);
}
