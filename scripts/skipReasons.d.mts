export interface Skip {
  file: string;
  title: string;
  reason: string;
}
export function playwrightSkips(report: unknown): Skip[];
export function vitestSkips(report: unknown, root?: string): Skip[];
export function skipLines(skips: readonly Skip[]): string[];
