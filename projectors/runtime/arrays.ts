// Postgres array literals for UNNEST parameters, built here rather than by the driver: pg
// passes every element through prepareValue and formats each Date in JavaScript, which costs
// several times more for a batch of rows. Pass the result as a text parameter cast to the
// array type (`${textArray(ids)}::text[]`).

const SPECIAL = /["\\]/;
const SPECIALS = /["\\]/g;

/** Every string quoted (an empty string or "NULL" must not read as anything else). */
export function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else out += `"${SPECIAL.test(v) ? v.replace(SPECIALS, '\\$&') : v}"`;
  }
  return `${out}}`;
}

/** ISO 8601 in UTC, which timestamptz reads exactly (milliseconds, as a Date holds). */
export function timestampArray(values: readonly (Date | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : iso(v);
  }
  return `${out}}`;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Date.toISOString, three times faster: it is a third of a batch's formatting. */
function iso(d: Date): string {
  const year = d.getUTCFullYear();
  // Other years (and invalid dates, which throw) keep toISOString's forms.
  if (!(year >= 1000 && year <= 9999)) return d.toISOString();
  const ms = d.getUTCMilliseconds();
  return `${year}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/** Integers (int, bigint) or any finite number. */
export function numberArray(values: readonly (number | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (Number.isFinite(v)) out += String(v);
    else throw new RangeError(`not a finite number: ${v}`);
  }
  return `${out}}`;
}

export function booleanArray(values: readonly (boolean | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : v ? 't' : 'f';
  }
  return `${out}}`;
}
