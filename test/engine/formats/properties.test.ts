import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64ToHex, hexToBase64, normalizeFlexibleId, normalizeHexId } from '../../../electron/engine/bundle/formats/common/ids';
import { durationMs, isoToNanos, nanosToIso, parseUnixNanos, U64_MAX } from '../../../electron/engine/bundle/formats/common/time';

const hexChar = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const hexId = (length: number) => fc.array(hexChar, { minLength: length, maxLength: length }).map((a) => a.join('')).filter((s) => !/^0+$/.test(s));

describe('hex id normalisation', () => {
  it('any-case hex of the right length normalises to its lower-case form, idempotently', () => {
    fc.assert(
      fc.property(hexId(32), (id) => {
        const once = normalizeHexId(id, 32);
        expect(once).toEqual({ ok: true, value: id.toLowerCase() });
        if (once.ok) expect(normalizeHexId(once.value.toUpperCase(), 32)).toEqual(once);
      }),
    );
  });

  it('hex → base64 → hex round-trips through the flexible (MLflow) id reader', () => {
    fc.assert(
      fc.property(hexId(16), (id) => {
        const lower = id.toLowerCase();
        expect(base64ToHex(hexToBase64(lower))).toBe(lower);
        expect(normalizeFlexibleId(hexToBase64(lower), 16)).toEqual({ ok: true, value: lower });
        expect(normalizeFlexibleId(`0x${id}`, 16)).toEqual({ ok: true, value: lower });
      }),
    );
  });

  it('rejects wrong lengths and non-hex characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = normalizeHexId(s, 16);
        expect(r.ok).toBe(/^[0-9a-fA-F]{16}$/.test(s) && !/^0+$/.test(s));
      }),
    );
  });
});

describe('nanosecond time conversion', () => {
  const nanos = fc.bigInt({ min: 1n, max: U64_MAX });

  it('parses every unsigned 64-bit value given as a decimal string, and refuses 2^64', () => {
    fc.assert(
      fc.property(nanos, (n) => {
        expect(parseUnixNanos(n.toString())).toEqual({ ok: true, value: n });
      }),
    );
    expect(parseUnixNanos((U64_MAX + 1n).toString()).ok).toBe(false);
  });

  it('ISO text round-trips to the nanosecond value truncated to microseconds', () => {
    fc.assert(
      fc.property(nanos, (n) => {
        const iso = nanosToIso(n);
        expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
        expect(isoToNanos(iso)).toBe(n - (n % 1000n));
      }),
    );
  });

  it('is monotone: a later nanosecond never formats to an earlier timestamp', () => {
    fc.assert(
      fc.property(nanos, nanos, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(nanosToIso(lo) <= nanosToIso(hi)).toBe(true);
      }),
    );
  });

  it('duration_ms comes from the exact nanosecond difference', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n << 62n, max: U64_MAX - 10_000_000_000n }), fc.integer({ min: 0, max: 9_999_999_999 }), (start, delta) => {
        // A difference below 2^53 ns is exact in a double; computing from the (rounded) absolute values is not.
        expect(durationMs(start, start + BigInt(delta))).toBeCloseTo(delta / 1e6, 9);
      }),
    );
  });

  it('reads ISO text with offsets and fractional seconds of any length', () => {
    expect(isoToNanos('2024-05-01T12:00:00.123456789+02:00')).toBe(1714557600123456789n);
    expect(isoToNanos('2024-05-01 10:00:00.5+00')).toBe(1714557600500000000n);
    expect(isoToNanos('2024-05-01T10:00:00Z')).toBe(1714557600000000000n);
    expect(isoToNanos('yesterday')).toBeNull();
  });
});
