/** The examples app: its one stack and cdk-nag's AwsSolutions checks. Shared by infra/app.ts and the synth tests. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StepopsExamplesStack } from './examples-stack.js';

export interface ExamplesApp {
  readonly app: App;
  readonly stack: StepopsExamplesStack;
}

/** The app with its stack and the AwsSolutions checks registered, not yet synthesized. */
export function createExamplesApp(app: App = new App()): ExamplesApp {
  const stack = new StepopsExamplesStack(app, 'StepopsExamples');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
