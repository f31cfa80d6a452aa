import { describe, expect, it } from 'vitest';
import { hasInvisible, visibleText } from '../../shared/visibleText';

describe('visibleText', () => {
  it('shows a right-to-left override instead of obeying it', () => {
    expect(visibleText('invoice\u202Ecod.exe')).toBe('invoice⟨U+202E⟩cod.exe');
  });

  it('defuses terminal escapes, including an OSC 52 clipboard write', () => {
    const osc52 = '\u001b]52;c;ZWNobyBoaQ==\u0007';
    expect(visibleText(`x${osc52}y`)).toBe('x⟨U+001B⟩]52;c;ZWNobyBoaQ==⟨U+0007⟩y');
    expect(visibleText('\u009b31m')).toBe('⟨U+009B⟩31m');
  });

  it('escapes zero-width and other format characters, separators and lone surrogates', () => {
    expect(visibleText('a\u200Bb\u2066c\u2069\uFEFF\u00AD\u2028\u2029')).toBe('a⟨U+200B⟩b⟨U+2066⟩c⟨U+2069⟩⟨U+FEFF⟩⟨U+00AD⟩⟨U+2028⟩⟨U+2029⟩');
    expect(visibleText('a\uD800b')).toBe('a⟨U+D800⟩b');
    expect(visibleText('\uDC00')).toBe('⟨U+DC00⟩');
  });

  it('keeps ordinary text, including non-Latin scripts and astral characters, unchanged', () => {
    for (const s of ['plain', 'Zoë Ångström', 'שלום', 'مرحبا', '東京', '𝔘𝔫𝔦', 'emoji 🙂']) {
      expect(visibleText(s)).toBe(s);
      expect(hasInvisible(s)).toBe(false);
    }
  });

  it('escapes tab and newline on one line, keeps them in multi-line text', () => {
    expect(visibleText('a\tb\nc')).toBe('a⟨U+0009⟩b⟨U+000A⟩c');
    expect(visibleText('a\tb\nc', { multiline: true })).toBe('a\tb\nc');
    expect(visibleText('a\r\nb', { multiline: true })).toBe('a⟨U+000D⟩\nb');
    expect(hasInvisible('a\nb')).toBe(true);
    expect(hasInvisible('a\nb', { multiline: true })).toBe(false);
  });
});
