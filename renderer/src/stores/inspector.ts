import { create } from 'zustand';
import type { ReactNode } from 'react';

export interface Selection {
  kind: string;
  title: string;
  fields: [string, ReactNode][];
  body?: ReactNode;
}

interface InspectorState {
  selection: Selection | null;
  select(s: Selection | null): void;
}

/** Whatever the user selected on the current screen (a column, cohort, release, node, span). */
export const useInspector = create<InspectorState>((set) => ({
  selection: null,
  select: (selection) => set({ selection }),
}));
