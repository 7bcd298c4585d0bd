/**
 * The CDK app that deploys stepops' example jobs (cdk.json: `npx tsx infra/app.ts`).
 * `npx cdk synth` works offline; `npx cdk deploy` needs an AWS account and a bootstrapped
 * environment. cdk-nag's AwsSolutions pack checks every resource at synth.
 */
import { createExamplesApp } from './examples-app.js';

createExamplesApp().app.synth();
