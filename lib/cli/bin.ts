#!/usr/bin/env node
// The `stepops` executable (package.json "bin"). Plain Node runs the compiled CLI; tsx is used
// only inside loadJobModule, to import the user's TypeScript job module.
import { runCli } from './main.js';

await runCli();
