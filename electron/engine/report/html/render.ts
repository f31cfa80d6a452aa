import type { ReportModel } from '../../../../shared/api/report';
import { esc } from './escape';
import { fmtDate } from './format';
import { reportCss } from './styles';
import {
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

/** The whole report as one self-contained HTML document made for print. */
export function renderReportHtml(m: ReportModel): string {
  const css = reportCss({
    paper: m.params.paper,
    headerLeft: `${m.title.system} — root ${m.title.root_hash.slice(0, 12)}`,
    headerRight: `Audit report as of ${fmtDate(m.title.as_of)}`,
    footerLeft: `${m.tool.name} ${m.tool.version}`,
  });
  const body = [
    coverPage(m),
    contents(),
    summarySection(m, '1'),
    integritySection(m, '2'),
    loggingSection(m, '3'),
    lineageSection(m, '4'),
    evalsSection(m, '5'),
    driftSection(m, '6'),
    coverageSection(m, '7'),
    healthSection(m, '8'),
    complianceSection(m, '9'),
    auditorSection(m, '10'),
    limitationsSection(m, '11'),
    definitionsSection(m, 'A'),
    parametersSection(m, 'B'),
  ].join('\n');
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
