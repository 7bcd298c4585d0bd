/**
 * Module customization hooks (node:module register) through which the CLI hands Node the
 * JavaScript esbuild made of an ES-module TypeScript job module: Node then loads the module from
 * its own file URL (its imports resolve from there, import.meta.url is its own, stack frames
 * name it) without a TypeScript loader. Every other module loads as without these hooks.
 * This file runs in Node's hooks thread: it imports nothing.
 */

/** What `register(..., { data })` passes: the module's URL, as imported, and its JavaScript. */
export interface ServedModule {
  readonly url: string;
  readonly source: string;
}

interface LoadResult {
  readonly format: string;
  readonly source: string;
  readonly shortCircuit: true;
}

/** Every module served so far, by URL (each register() call adds one). */
const sources = new Map<string, string>();

export function initialize(data: ServedModule): void {
  sources.set(data.url, data.source);
}

export function load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => unknown): unknown {
  const source = sources.get(url);
  if (source === undefined) return nextLoad(url, context);
  sources.delete(url);
  const served: LoadResult = { format: 'module', source, shortCircuit: true };
  return served;
}
