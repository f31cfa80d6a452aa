import { describe, expect, it } from 'vitest';
import { comparePages, parseToUnicode, type PageContent } from '../../../electron/engine/report/pdfPages';

const page = (n: number, text: string, drawing = `d${n}`): PageContent => ({ page: n, text, drawing_sha256: drawing });

describe('comparePages', () => {
  it('identical text and drawing: identical', () => {
    const a = [page(1, 'Title'), page(2, 'Findings 3 high')];
    expect(comparePages(a, a, { pdf: 'Skia/PDF m1', reprint: 'Skia/PDF m1' })).toMatchObject({ level: 'identical', differences: [], drawn_differently: [] });
  });

  it('a text difference names the page and shows both sides around the first difference', () => {
    const c = comparePages([page(1, 'Title'), page(2, 'Findings 9 high')], [page(1, 'Title'), page(2, 'Findings 3 high')]);
    expect(c.level).toBe('different');
    expect(c.differences).toEqual([{ page: 2, embedded: 'Findings 9 high', current: 'Findings 3 high' }]);
  });

  it('a missing or extra page is a difference', () => {
    const c = comparePages([page(1, 'A')], [page(1, 'A'), page(2, 'B')]);
    expect(c.level).toBe('different');
    expect(c.page_count).toEqual({ pdf: 1, reprint: 2 });
    expect(c.differences.map((d) => d.page)).toEqual([2]);
  });

  it('same text drawn differently: a difference with the same printer, text-level with another (or unrecorded) printer', () => {
    const pdf = [page(1, 'A', 'x')];
    const fresh = [page(1, 'A', 'y')];
    expect(comparePages(pdf, fresh, { pdf: 'Skia/PDF m142', reprint: 'Skia/PDF m142' })).toMatchObject({ level: 'different', drawn_differently: [1] });
    expect(comparePages(pdf, fresh, { pdf: 'Skia/PDF m142', reprint: 'Skia/PDF m156' })).toMatchObject({ level: 'text', drawn_differently: [1] });
    expect(comparePages(pdf, fresh)).toMatchObject({ level: 'text' });
  });
});

describe('parseToUnicode', () => {
  it('reads bfchar, both bfrange forms and the code length', () => {
    const cmap = `1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0013> <0030> endbfchar
2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0078> <00790079>] endbfrange`;
    const d = parseToUnicode(cmap);
    expect(d.codeBytes).toBe(2);
    expect([0x03, 0x13, 0x24, 0x25, 0x26, 0x30, 0x31].map((c) => d.map.get(c))).toEqual([' ', '0', 'A', 'B', 'C', 'x', 'yy']);
  });
});
