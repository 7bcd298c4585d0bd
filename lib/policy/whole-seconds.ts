/**
 * Whole-second arithmetic, shared by the compiler (retry plans) and the wrapper (loop waits),
 * so that a plan describes exactly the waits the wrapper asks for. Waits are rounded up (never
 * retry sooner than asked), with a tolerance of 1e-9 s so that floating-point noise
 * (0.1 * 30 = 3.0000000000000004) does not add a second.
 */
const TOLERANCE = 1e-9;

/** The smallest whole number of seconds >= `seconds` (within 1e-9 s). */
export function ceilSeconds(seconds: number): number {
  return Math.max(0, Math.ceil(seconds - TOLERANCE));
}

/** True when `seconds` is a whole number (within 1e-9 s). */
export function isWholeSeconds(seconds: number): boolean {
  return Math.abs(seconds - Math.round(seconds)) <= TOLERANCE;
}

/** A number for a message or a plan: at most 3 decimals. */
export function roundForDisplay(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
