/** Step Functions limits the wrapper keeps to (reference/step-functions.md, "Quotas" and "Lambda errors"). */

/** Longest Step Functions Error (the thrown error's name), in characters. */
export const MAX_ERROR_NAME_LENGTH = 256;

/** Longest Step Functions Cause (the Lambda runtime's error JSON), in characters. */
export const MAX_CAUSE_LENGTH = 32_768;

/** Largest state output (the op's output as JSON), in UTF-8 bytes. */
export const MAX_OUTPUT_BYTES = 262_144;
