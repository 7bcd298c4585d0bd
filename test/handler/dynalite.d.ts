declare module 'dynalite' {
  import type { Server } from 'node:http';
  interface DynaliteOptions {
    /** Milliseconds a CreateTable takes before the table is ACTIVE. */
    readonly createTableMs?: number;
    /** A directory for LevelDB files; in memory when absent. */
    readonly path?: string;
  }
  /** A DynamoDB-compatible HTTP server (dynalite 4): listen on it, close it. */
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
