import { cssString } from './escape';

/** Print stylesheet. Margin boxes carry the running header and page numbers (CSS paged media, Chromium ≥ 131). */
export function reportCss(opts: { paper: 'A4' | 'Letter'; headerLeft: string; headerRight: string; footerLeft: string }): string {
  return `
@page {
  size: ${opts.paper};
  margin: 20mm 17mm 18mm 17mm;
  @top-left { content: ${cssString(opts.headerLeft)}; font: 7.5pt "DejaVu Sans", "Liberation Sans", sans-serif; color: #5B6670; vertical-align: bottom; padding-bottom: 3mm; }
  @top-right { content: ${cssString(opts.headerRight)}; font: 7.5pt "DejaVu Sans", "Liberation Sans", sans-serif; color: #5B6670; vertical-align: bottom; padding-bottom: 3mm; }
  @bottom-left { content: ${cssString(opts.footerLeft)}; font: 7.5pt "DejaVu Sans", "Liberation Sans", sans-serif; color: #5B6670; vertical-align: top; padding-top: 3mm; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7.5pt "DejaVu Sans", "Liberation Sans", sans-serif; color: #5B6670; vertical-align: top; padding-top: 3mm; }
}
@page :first {
  @top-left { content: none; }
  @top-right { content: none; }
}
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 8.6pt; line-height: 1.42; color: #1F2933; }
body { margin: 0; }
h1, h2, h3, h4 { font-weight: 600; color: #14202B; break-after: avoid; }
h1 { font-size: 22pt; line-height: 1.2; margin: 0 0 4mm; }
h2 { font-size: 14pt; margin: 0 0 3mm; padding-bottom: 1.5mm; border-bottom: 0.6pt solid #14202B; }
h3 { font-size: 10.5pt; margin: 5mm 0 2mm; }
h4 { font-size: 9pt; margin: 3mm 0 1.5mm; }
p { margin: 0 0 2mm; }
section.chapter { break-before: page; }
/* A chapter with nothing to show is one line: it follows the previous chapter instead of taking a page. */
section.chapter.brief { break-before: auto; margin-top: 9mm; }
h2 .label { color: #3E4C59; margin-right: 2mm; }
.nothing { border-left: 2pt solid #9AA5B1; padding: 1mm 0 1mm 3mm; }
.num, td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.mono { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.4pt; }
/* Hashes may wrap anywhere (they are read in pieces); commands and identifiers never break inside a word. */
.hash { overflow-wrap: anywhere; }
.cmd { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.8pt; white-space: nowrap; hyphens: none; }
.ident { white-space: nowrap; hyphens: none; }
td, li, p { hyphens: manual; }
.muted { color: #5B6670; }
.small { font-size: 7.6pt; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr, figure, .keep { break-inside: avoid; }
th { text-align: left; font-weight: 600; font-size: 7.6pt; color: #3E4C59; border-bottom: 0.8pt solid #3E4C59; padding: 1.2mm 1.5mm; vertical-align: bottom; }
td { border-bottom: 0.4pt solid #D5DBE1; padding: 1mm 1.5mm; vertical-align: top; }
tr.flag td { background: #FDF1E6; }
figure { margin: 2mm 0 4mm; }
figcaption { font-size: 7.6pt; color: #3E4C59; margin-top: 1mm; }
.badge { display: inline-block; padding: 0.2mm 1.6mm; border-radius: 2mm; font-size: 7pt; font-weight: 600; white-space: nowrap; }
.sev-high, .st-not_met, .st-altered { background: #F6D5D1; color: #8A1C12; }
.sev-medium, .st-partly, .st-unverified { background: #FBE3C8; color: #7A3E00; }
.sev-low { background: #E2E8F0; color: #2D3A48; }
.sev-info, .st-not_measurable, .st-not_applicable { background: #EDF0F3; color: #4A5560; }
.st-met, .st-verified, .st-ok { background: #DCEFE0; color: #1D5B2C; }
.cover { height: 245mm; display: flex; flex-direction: column; }
.cover .kicker { font-size: 9pt; letter-spacing: 0.08em; text-transform: uppercase; color: #5B6670; margin: 18mm 0 3mm; }
.cover .system { font-size: 14pt; color: #3E4C59; margin-bottom: 10mm; }
.cover table.fields td { border: none; padding: 1.2mm 0; }
.cover table.fields td:first-child { width: 40mm; color: #5B6670; }
.glance { margin-top: 14mm; }
.glance .role { font-size: 7.6pt; color: #5B6670; text-transform: uppercase; letter-spacing: 0.06em; }
.signoff { margin-top: auto; display: grid; grid-template-columns: 1fr 1fr; gap: 10mm; }
.signoff .box { border-top: 0.6pt solid #14202B; padding-top: 1.5mm; min-height: 22mm; }
.signoff .role { font-size: 7.6pt; color: #5B6670; text-transform: uppercase; letter-spacing: 0.06em; }
.counts { display: flex; gap: 4mm; margin: 2mm 0 4mm; }
.counts > div { flex: 1; border: 0.6pt solid #D5DBE1; padding: 2mm 3mm; }
.counts .n { font-size: 16pt; font-weight: 600; font-variant-numeric: tabular-nums; }
.finding { border-left: 2pt solid #9AA5B1; padding: 0.5mm 0 0.5mm 3mm; margin: 0 0 3mm; break-inside: avoid; }
.finding.high { border-color: #C0392B; } .finding.medium { border-color: #E8710A; } .finding.low { border-color: #5B7083; }
.note { white-space: pre-wrap; }
.kv-table th { width: 42mm; font-weight: 600; border-bottom: 0.4pt solid #D5DBE1; vertical-align: top; } .kv-table { width: auto; margin: 0 0 2mm; }
.unavailable { border: 0.6pt dashed #9AA5B1; padding: 3mm; color: #4A5560; }
table.toc { width: 100%; margin-top: 4mm; font-size: 10pt; }
table.toc td { border: none; padding: 1.4mm 0; }
table.toc td.toc-n { width: 24mm; color: #3E4C59; white-space: nowrap; }
table.toc td.toc-t a { color: inherit; text-decoration: none; }
table.toc td.toc-p { width: 14mm; }
dl.defs dt { font-weight: 600; margin-top: 2mm; break-after: avoid; } dl.defs dd { margin: 0.5mm 0 0 0; break-before: avoid; }
.kv { display: grid; grid-template-columns: 48mm 1fr; gap: 0.8mm 4mm; margin: 1mm 0 3mm; }
.kv div:nth-child(odd) { color: #5B6670; }
.legend { font-size: 7.4pt; color: #3E4C59; }
.swatch { display: inline-block; width: 2.6mm; height: 2.6mm; vertical-align: -0.3mm; margin: 0 1mm 0 2.5mm; }
`;
}
