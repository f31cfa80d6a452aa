import { describe, expect, it, vi } from 'vitest';
import { buildReportModel, reportJson } from '../../../electron/engine/report/model';
import { effectiveParams } from '../../../electron/engine/report/params';
import { chromiumPrinter, readPdfAttachments, readPdfInfo } from '../../../electron/engine/report/pdf';
import { chapterPages, renderReportPdf } from '../../../electron/engine/report/service';
import { CHAPTERS } from '../../../electron/engine/report/html/sections';
import { sha256Hex } from '../../../electron/engine/report/canonicalJson';
import { finding, inputs, signoff, summary } from './fixtures';

describe('report PDF through headless Chromium', () => {
  it('prints several pages, sets metadata and a deterministic ID, and embeds extractable attachments', async () => {
    const so = signoff();
    const eff = effectiveParams({}, so, { exported_at: '2026-09-01T06:00:00Z', period_end: null });
    const model = buildReportModel(inputs(), { signoff: so, findings: [finding()] }, {}, eff);
    const json = reportJson(model);
    const manifest = new TextEncoder().encode('{"format_version":"1.0","files":[]}');
    const attachments = [
      { name: 'results.json', bytes: new TextEncoder().encode(json), mimeType: 'application/json', description: 'model', relationship: 'Data' as const },
      { name: 'manifest.json', bytes: manifest, mimeType: 'application/json', description: 'manifest', relationship: 'Source' as const },
    ];
    const printer = chromiumPrinter();
    const { bytes, pages } = await renderReportPdf(model, json, printer, attachments);
    expect(pages).toBeGreaterThan(1);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');

    const files = await readPdfAttachments(bytes);
    expect([...files.keys()].sort()).toEqual(['manifest.json', 'results.json']);
    expect(new TextDecoder().decode(files.get('results.json'))).toBe(json);
    expect(files.get('manifest.json')).toEqual(manifest);

    const info = await readPdfInfo(bytes);
    expect(info.pages).toBe(pages);
    expect(info.title).toContain('Northwind fraud scoring');
    expect(info.author).toBe('J. Auditor');
    expect(info.producer).toMatch(/^Audit Desk /);
    expect(info.creationDate?.toISOString()).toBe('2026-09-01T06:00:00.000Z');
    expect(info.id).toBe(sha256Hex(json).slice(0, 32));

    // Same model → same metadata and attachments when printed again (Chromium's page content may differ in bytes).
    const again = await renderReportPdf(model, json, printer, attachments);
    const info2 = await readPdfInfo(again.bytes);
    expect(info2.id).toBe(info.id);
    expect(info2.creationDate?.toISOString()).toBe(info.creationDate?.toISOString());
  });

  it('prints the table of contents with the page each chapter starts on, read back from the PDF itself', async () => {
    const so = signoff();
    const model = buildReportModel(inputs(), { signoff: so, findings: [finding()] }, {}, effectiveParams({}, so, { exported_at: '2026-09-01T06:00:00Z', period_end: null }));
    const json = reportJson(model);
    const { bytes, html, pages } = await renderReportPdf(model, json, chromiumPrinter(), []);
    const found = await chapterPages(bytes);
    expect(Object.keys(found).sort()).toEqual(CHAPTERS.map((c) => c.id).sort());
    // Cover, contents, then chapter 1; chapters never go back; the appendices come last.
    expect(found['summary']).toBe(3);
    const inOrder = CHAPTERS.map((c) => found[c.id] ?? 0);
    expect(inOrder).toEqual([...inOrder].sort((a, b) => a - b));
    expect(found['parameters']).toBeLessThanOrEqual(pages);
    for (const c of CHAPTERS) {
      const row = new RegExp(`<td class="toc-n">${c.label}</td><td class="toc-t"><a href="#${c.id}">[^<]+</a></td><td class="toc-p num">(\\d+)</td>`);
      expect(row.exec(html)?.[1], c.id).toBe(String(found[c.id]));
    }
  });

  it('refuses to print a report without its required sign-off fields or an as-of time, before starting Chromium', async () => {
    const printer = vi.fn(async () => new Uint8Array());
    const noAuditor = signoff({ auditor: '  ' });
    const m1 = buildReportModel(inputs(), { signoff: noAuditor, findings: [] }, {}, effectiveParams({}, noAuditor, { exported_at: null, period_end: '2026-08-31T00:00:00Z' }));
    await expect(renderReportPdf(m1, reportJson(m1), printer, [])).rejects.toThrow(/cannot be signed off without: Auditor \(--auditor on the command line\)/);
    const noSystem = signoff({ system: '' });
    const m2 = buildReportModel(inputs(), { signoff: noSystem, findings: [] }, {}, effectiveParams({}, noSystem, { exported_at: null, period_end: '2026-08-31T00:00:00Z' }));
    await expect(renderReportPdf(m2, reportJson(m2), printer, [])).rejects.toThrow(/System audited \(--system on the command line\)/);
    const so = signoff();
    const noAsOf = inputs({ summary: summary({ period: { start: null, end: null }, exported_at: null }) });
    const m3 = buildReportModel(noAsOf, { signoff: so, findings: [] }, {}, effectiveParams({}, so, { exported_at: null, period_end: null }));
    await expect(renderReportPdf(m3, reportJson(m3), printer, [])).rejects.toThrow(/no as-of time/);
    expect(printer).not.toHaveBeenCalled();
  });
});
