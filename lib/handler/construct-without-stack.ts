/**
 * Runs `create` with V8's stack capture off (Error.stackTraceLimit 0, put back before it
 * returns): for an error whose constructor sets `stack` itself, the frames captured would never
 * be read, and capturing them costs microseconds per frame on Node 20. What `create` builds is
 * the same either way (the same own `stack` property, written by the constructor).
 */
export function constructWithoutStack<T>(create: () => T): T {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    // A frozen Error: build it as it comes.
    return create();
  }
  try {
    return create();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
