import { resolveRetryPolicy, type JobDefinition } from '../../job/index.js';
import { summarizePolicy } from './describe-policy.js';

const MERMAID_KEYWORDS = new Set(['end', 'graph', 'subgraph', 'flowchart', 'style', 'classdef', 'class', 'click', 'linkstyle', 'direction', 'default']);

/**
 * The job graph as Mermaid (`flowchart TD`): one node per op invocation, labelled with its
 * name and policy, and an edge from each producer to each consumer.
 */
export function renderMermaid(job: JobDefinition): string[] {
  const lines = ['flowchart TD'];
  for (const invocation of job.invocations) {
    const { policy, source } = resolveRetryPolicy(job, invocation);
    const from = source === 'job' ? ' (job default)' : source === 'invocation' ? ' (invocation)' : '';
    const label = `${invocation.name}<br/>${summarizePolicy(policy)}${policy === undefined ? '' : from}`;
    lines.push(`  ${toNodeId(invocation.name)}["${escapeLabel(label)}"]`);
  }
  for (const invocation of job.invocations) {
    for (const producer of new Set(invocation.inputs)) lines.push(`  ${toNodeId(producer)} --> ${toNodeId(invocation.name)}`);
    // Order only (`.after`): dotted.
    for (const producer of invocation.after) if (!invocation.inputs.includes(producer)) lines.push(`  ${toNodeId(producer)} -.-> ${toNodeId(invocation.name)}`);
  }
  return lines;
}

/** Op names are [A-Za-z0-9_]+; only Mermaid's keywords need another id. */
function toNodeId(name: string): string {
  return MERMAID_KEYWORDS.has(name.toLowerCase()) ? `${name}_op` : name;
}

function escapeLabel(text: string): string {
  return text.replaceAll('"', '#quot;');
}
