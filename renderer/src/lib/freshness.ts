import { createContext, useContext } from 'react';

/**
 * Whether the results rendered below belong to the request now in effect. While a newer request runs, the old
 * results may stay on screen (marked stale), but nothing may be pinned or exported from them: a finding must carry
 * the numbers of the request it names.
 */
export const StaleContext = createContext(false);

export function useStale(): boolean {
  return useContext(StaleContext);
}
