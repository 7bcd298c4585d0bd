import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const LIB = fileURLToPath(new URL('./lib/', import.meta.url));

export default defineConfig({
  resolve: {
    // In the repository `stepops` means the sources (as tsconfig.json's paths say); the built
    // package (dist/, package.json exports) is tested by test/consumer.
    alias: [
      { find: /^stepops$/, replacement: `${LIB}index.ts` },
      { find: /^stepops\/(handler|runner|cdk)$/, replacement: `${LIB}$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary directory for the run, removed at its end (test/support/temporary-directory.ts).
    globalSetup: ['test/support/temporary-directory.ts'],
    // Synth tests bundle Lambda code with esbuild; give them room on 2 shared cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
