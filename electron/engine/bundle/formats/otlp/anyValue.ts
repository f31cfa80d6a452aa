/** OTLP AnyValue / KeyValue lists → plain JSON values (nesting kept: kvlist → object, array → array). */
import type { RowValue } from '../types';
import { DepthError, isObject, MAX_VALUE_DEPTH } from '../common/json';

export class AnyValueError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AnyValueError';
  }
}

/** intValue is int64: kept as a number when exact, else as its decimal string so no digit is lost. */
function intValue(raw: unknown, field: string): RowValue {
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) throw new AnyValueError(field, `intValue is not an integer: ${raw}`);
    return raw;
  }
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) {
    const big = BigInt(raw);
    if (big > 9223372036854775807n || big < -9223372036854775808n) throw new AnyValueError(field, `intValue beyond 64 bits: ${raw}`);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : raw;
  }
  throw new AnyValueError(field, `intValue must be an integer or a decimal string, got ${JSON.stringify(raw)}`);
}

function doubleValue(raw: unknown, field: string): RowValue {
  if (typeof raw === 'number') return raw;
  // The protobuf JSON mapping writes non-finite doubles as strings; JSON cannot hold them as numbers.
  if (raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity') return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  throw new AnyValueError(field, `doubleValue must be a number, got ${JSON.stringify(raw)}`);
}

export function anyValueToJson(value: unknown, field: string, depth = 0): RowValue {
  if (depth > MAX_VALUE_DEPTH) throw new DepthError(MAX_VALUE_DEPTH);
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new AnyValueError(field, 'AnyValue must be an object');
  if ('stringValue' in value) {
    if (typeof value.stringValue !== 'string') throw new AnyValueError(field, 'stringValue must be a string');
    return value.stringValue;
  }
  if ('boolValue' in value) {
    if (typeof value.boolValue !== 'boolean') throw new AnyValueError(field, 'boolValue must be a boolean');
    return value.boolValue;
  }
  if ('intValue' in value) return intValue(value.intValue, field);
  if ('doubleValue' in value) return doubleValue(value.doubleValue, field);
  if ('bytesValue' in value) {
    if (typeof value.bytesValue !== 'string') throw new AnyValueError(field, 'bytesValue must be a base64 string');
    return value.bytesValue;
  }
  if ('arrayValue' in value) {
    const arr = value.arrayValue;
    const values = isObject(arr) ? arr.values : undefined;
    if (values === undefined) return [];
    if (!Array.isArray(values)) throw new AnyValueError(`${field}.arrayValue.values`, 'arrayValue.values must be an array');
    return values.map((v, i) => anyValueToJson(v, `${field}.arrayValue.values[${i}]`, depth + 1));
  }
  if ('kvlistValue' in value) {
    const kv = value.kvlistValue;
    const values = isObject(kv) ? kv.values : undefined;
    return keyValuesToObject(values, `${field}.kvlistValue.values`, depth + 1);
  }
  // An empty AnyValue ({}) is a legal "no value"; unknown members are ignored like any unknown field.
  return null;
}

/** KeyValue list → object. A repeated key keeps its last value (the OTLP spec leaves duplicates undefined). */
export function keyValuesToObject(list: unknown, field: string, depth = 0): { [k: string]: RowValue } {
  if (depth > MAX_VALUE_DEPTH) throw new DepthError(MAX_VALUE_DEPTH);
  const out: { [k: string]: RowValue } = {};
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new AnyValueError(field, 'attributes must be an array of {key, value}');
  list.forEach((kv: unknown, i) => {
    if (!isObject(kv) || typeof kv.key !== 'string') throw new AnyValueError(`${field}[${i}].key`, 'attribute key must be a string');
    out[kv.key] = anyValueToJson(kv.value, `${field}[${i}].value`, depth + 1);
  });
  return out;
}
