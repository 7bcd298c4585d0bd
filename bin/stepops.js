#!/usr/bin/env node
// Launcher for the stepops CLI: registers tsx so that the TypeScript sources (and the user's
// TypeScript job modules) load without a build step, then runs lib/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../lib/cli/main.ts');
await runCli();
