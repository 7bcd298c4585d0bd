declare module 'asl-validator' {
  interface AslValidatorResult {
    readonly isValid: boolean;
    readonly errors: readonly { readonly message?: string }[];
    errorsText(separator?: string): string;
  }
  /** Validates a state machine definition; it mutates its input, so pass a clone. */
  function aslValidator(definition: unknown, options?: { readonly checkPaths?: boolean; readonly checkArn?: boolean }): AslValidatorResult;
  export = aslValidator;
}
