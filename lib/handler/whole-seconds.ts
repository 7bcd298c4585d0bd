/**
 * Rounds a wait up to whole seconds (never sooner than asked), ignoring floating-point noise
 * below 1e-9 s (0.1 * 30 = 3.0000000000000004 waits 3 s, not 4). The same rule as the
 * compiler's ceilSeconds (lib/asl/seconds.ts), which lib/handler may not import; the two must
 * agree for the retry plan to describe the waits the wrapper asks for.
 */
export function ceilWholeSeconds(seconds: number): number {
  return Math.max(0, Math.ceil(seconds - 1e-9));
}
