/**
 * The Lambda environment variables through which JobStateMachine tells the wrapper where op
 * outputs go (read by createIoManagerFromEnvironment).
 */
export const IO_BUCKET_ENVIRONMENT = 'STEPOPS_IO_BUCKET';
/** The key prefix the function may read and write (ends with '/'). */
export const IO_PREFIX_ENVIRONMENT = 'STEPOPS_IO_PREFIX';
