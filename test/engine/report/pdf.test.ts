import { describe, expect, it } from 'vitest';
import { buildReportModel, reportJson } from '../../../electron/engine/report/model';
import { effectiveParams } from '../../../electron/engine/report/params';
import { chromiumPrinter, readPdfAttachments, readPdfInfo } from '../../../electron/engine/report/pdf';
import { renderReportPdf } from '../../../electron/engine/report/service';
import { sha256Hex } from '../../../electron/engine/report/canonicalJson';
import { finding, inputs, signoff } from './fixtures';

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
    expect(info.title).toContain('acme-ml-platform');
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
});
