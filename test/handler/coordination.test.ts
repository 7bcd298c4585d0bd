import { describe, expect, it, vi } from 'vitest';
import { InMemoryCoordinationStore } from '../../lib/handler/coordination-store.js';
import { jobHandler, jobMiddleware } from '../../lib/handler/index.js';
import { awaitRequest, coordinatedJob, defineCoordinationCases, RecordingSender, releaseRequest } from './coordination-cases.js';

describe('coordination protocol, in-process store', () => {
  const store = new InMemoryCoordinationStore();
  defineCoordinationCases(() => store);
});

describe('coordination requests the wrapper refuses', () => {
  const handler = jobHandler(coordinatedJob, { coordination: { store: new InMemoryCoordinationStore(), sender: new RecordingSender() }, writeLog: () => {} });
  it.each([
    { name: 'another job', event: { ...awaitRequest('r', 't'), job: 'other' }, message: /job is "other" but this handler serves job "coordinated"/ },
    { name: 'another plan', event: { ...awaitRequest('r', 't'), planHash: 'x' }, message: /planHash is "x"/ },
    { name: 'an unknown op', event: { ...releaseRequest('r', { v: 1 }), op: 'nope' }, message: /op "nope" is not an op invocation of job "coordinated"/ },
    { name: 'no token', event: { ...awaitRequest('r', 't'), token: '' }, message: /token must be the task token/ },
    { name: 'no envelope', event: (({ envelope: _e, ...rest }) => rest)(releaseRequest('r', 1)), message: /envelope is missing/ },
    { name: 'an unknown coordinate', event: { ...awaitRequest('r', 't'), coordinate: 'poll' }, message: /coordinate must be 'await' or 'release', got "poll"/ },
  ])('fails with stepops.ProtocolError on $name', async ({ event, message }) => {
    const run = handler(event);
    await expect(run).rejects.toMatchObject({ name: 'stepops.ProtocolError' });
    await expect(run).rejects.toThrow(message);
  });

  it('fails with stepops.ProtocolError when the function has no coordination store, saying how to deploy it', async () => {
    const bare = jobHandler(coordinatedJob, { writeLog: () => {} });
    await expect(bare(awaitRequest('r', 't'))).rejects.toThrow(
      /compiled with concurrency 'exact' but this function has no coordination store: deploy it with JobStateMachine's concurrency 'exact'/,
    );
  });

  it('fails the same way when STEPOPS_COORDINATION_TABLE is empty (the environment names no table)', async () => {
    vi.stubEnv('STEPOPS_COORDINATION_TABLE', '');
    try {
      await expect(jobHandler(coordinatedJob, { writeLog: () => {} })(awaitRequest('r', 't'))).rejects.toThrow(/has no coordination store/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('jobMiddleware serves coordination requests as jobHandler does', () => {
  it('registers a wait, then the release answers it', async () => {
    const sender = new RecordingSender();
    const middleware = jobMiddleware(coordinatedJob, { coordination: { store: new InMemoryCoordinationStore(), sender }, writeLog: () => {} });
    await expect(middleware.before({ event: awaitRequest('m', 'token-1') })).resolves.toStrictEqual({ registered: true, sent: 0 });
    await expect(middleware.before({ event: releaseRequest('m', { v: 2 }) })).resolves.toStrictEqual({ sent: 1 });
    expect(sender.delivered).toStrictEqual([{ token: 'token-1', output: { v: 2 } }]);
  });
});
