import type { CliOutput } from '../cli-io.js';

/** Text decorations; every function is the identity when colours are off. */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

const PLAIN = (text: string): string => text;

function wrap(open: number, close: number): (text: string) => string {
  return (text) => (text.length === 0 ? text : `\u001b[${open}m${text}\u001b[${close}m`);
}

/** ANSI colours when `enabled`, plain text otherwise. */
export function createStyle(enabled: boolean): Style {
  if (!enabled) return { bold: PLAIN, dim: PLAIN, red: PLAIN, green: PLAIN, yellow: PLAIN, cyan: PLAIN };
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function shouldUseColor(output: CliOutput, env: Readonly<Record<string, string | undefined>>): boolean {
  return output.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/** The visible width of a string that may hold ANSI colour codes. */
export function measureVisibleWidth(text: string): number {
  // eslint-disable-next-line no-control-regex -- ANSI escape sequences are what we strip
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
