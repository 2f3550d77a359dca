/**
 * Text from users and data, made safe to print inside a one-line message: a type name or
 * value holding a newline or terminal control characters would split a `file:line: …` line
 * or drive the terminal. Control characters are written as JSON escapes (`\n`, `\u001b`).
 */

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => JSON.stringify(c).slice(1, -1));
}

/** Longest value description put in a message; a 1 MB string in a message helps nobody. */
const MAX_DESCRIPTION = 80;

function shorten(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/**
 * A short, printable description of any value for an error message: never throws (BigInt,
 * symbols and cyclic objects defeat JSON.stringify) and never spans lines.
 */
export function describeArgument(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `'${shorten(printable(value))}' (a string)`;
    case 'bigint':
      return `${shorten(String(value))}n (a bigint)`;
    case 'symbol':
      return `${shorten(printable(String(value)))} (a symbol)`;
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'boolean':
      return `${value} (${typeof value})`;
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of ${value.length}`;
      let text: string;
      try {
        text = JSON.stringify(value) ?? String(value);
      } catch {
        text = Object.prototype.toString.call(value);
      }
      return `${shorten(printable(text))} (object)`;
    }
  }
}
