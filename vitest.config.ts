import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Synth tests bundle Lambda code with esbuild; give them room on 2 shared cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
