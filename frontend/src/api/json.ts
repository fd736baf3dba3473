import { isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json'

/**
 * JSON as the API writes it, numbers included: a Java `long` past 2^53 (a snowflake id in a task's arguments) or a
 * decimal of many digits is kept as its text (a `LosslessNumber`) and written back unchanged. Read by
 * `JSON.parse`, 9007199254740993 became 9007199254740992, shown so on the pages and sent so by a schedule's edit,
 * which then ran its task with another id. Only text with a run of 16 digits can hold such a number; the rest is
 * read by the browser's own parser, which is faster.
 */
export function parseJson(text: string): unknown {
  return /\d{16}/.test(text) ? parse(text, null, numberOf) : JSON.parse(text)
}

function numberOf(text: string): number | LosslessNumber {
  return isSafeNumber(text) ? Number(text) : new LosslessNumber(text)
}

/** JSON text of a value, numbers `parseJson` kept as text written as they came. */
export function stringifyJson(value: unknown, indent?: number): string {
  return stringify(value, null, indent) ?? ''
}
