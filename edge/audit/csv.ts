// The export's lines: CSV per RFC 4180 (CRLF, quoted when needed) with every cell that a
// spreadsheet would take for a formula made text, and JSON Lines.
import { AUDIT_CSV_COLUMNS, type AuditEntry } from '../../contracts/audit.api.ts';

/** Cells a spreadsheet evaluates: = + - @ and a leading tab or carriage return. */
const FORMULA = /^[=+\-@\t\r]/;
const QUOTE = /[",\r\n]|^\s|\s$/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return QUOTE.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;

export function csvLine(entry: AuditEntry): string {
  return `${AUDIT_CSV_COLUMNS.map((column) => csvCell(entry[column])).join(',')}\r\n`;
}

export function jsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(entry)}\n`;
}
