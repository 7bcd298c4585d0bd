/** A source of uniform random numbers in [0, 1). */
export type RandomSource = () => number;

/** Mulberry32: small, fast, seedable; good enough for jitter and test identifiers. */
export function createRandomSource(seed: number): RandomSource {
  let state = hashSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent stream per purpose so that, e.g., a $uuid call never shifts jitter. */
export function deriveRandomSource(seed: number, purpose: string): RandomSource {
  let h = hashSeed(seed);
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193);
  return createRandomSource(h);
}

function hashSeed(seed: number): number {
  // Accept any finite number (including fractions and negatives) as a seed.
  const x = Number.isFinite(seed) ? seed : 0;
  let h = (Math.floor(x) ^ 0x9e3779b9) | 0;
  const fraction = Math.floor((x - Math.floor(x)) * 4294967296);
  h = Math.imul(h ^ fraction, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** A version 4 UUID (RFC 9562 layout) drawn from `random`. */
export function createUuidV4(random: RandomSource): string {
  const bytes = new Array<number>(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
