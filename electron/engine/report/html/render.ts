import type { ReportModel } from '../../../../shared/api/report';
import { esc } from './escape';
import { assertRenderable } from '../readiness';
import { fairnessSection } from './fairness';
import { fmtDate } from './format';
import { reportCss } from './styles';
import {
  CHAPTERS,
  type ChapterId,
  auditorSection,
  complianceSection,
  contents,
  coverageSection,
  coverPage,
  definitionsSection,
  driftSection,
  evalsSection,
  healthSection,
  integritySection,
  limitationsSection,
  lineageSection,
  loggingSection,
  parametersSection,
  summarySection,
} from './sections';

/** Content-Security-Policy of the report document: nothing may load; inline style and data: images only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Page numbers of the chapters by id (from a first print), for the table of contents. */
export type ChapterPages = Readonly<Record<string, number>>;

/**
 * The whole report as one self-contained HTML document made for print. `pages` fills the table of contents'
 * page numbers (two-pass print, see service.ts); without it the column is left blank at the same width.
 */
export function renderReportHtml(m: ReportModel, pages: ChapterPages | null = null): string {
  assertRenderable(m);
  const css = reportCss({
    paper: m.params.paper,
    headerLeft: `${m.title.system} — root ${m.title.root_hash.slice(0, 12)}`,
    headerRight: `Audit report as of ${fmtDate(m.title.as_of)}`,
    footerLeft: `${m.tool.name} ${m.tool.version}`,
  });
  const render: Record<ChapterId, (m: ReportModel, label: string) => string> = {
    summary: summarySection,
    integrity: integritySection,
    logging: loggingSection,
    lineage: lineageSection,
    evals: evalsSection,
    drift: driftSection,
    coverage: coverageSection,
    fairness: fairnessSection,
    health: healthSection,
    compliance: complianceSection,
    auditor: auditorSection,
    limitations: limitationsSection,
    definitions: definitionsSection,
    parameters: parametersSection,
  };
  const body = [coverPage(m), contents(pages), ...CHAPTERS.map((c) => render[c.id](m, c.label))].join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">
<title>${esc(`${m.title.title} — ${m.title.system}`)}</title>
<style>${css}</style></head>
<body>
${body}
</body></html>
`;
}
