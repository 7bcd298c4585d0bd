/**
 * The HTML report in a real browser: Debian's chromium, headless, driven by playwright-core.
 * Fails (never skips) when /usr/bin/chromium is missing: .ci/run installs it.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mockClient } from 'aws-sdk-client-mock';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobLocally } from '../../lib/runner/local/run-job-locally.js';
import { partialFailure } from './fixtures/partial-failure.js';
import { REPO_ROOT, runCli } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:PartialFailure:run-9';
const directory = mkdtempSync(join(tmpdir(), 'stepops-report-'));
const localReport = join(directory, 'local.html');
const awsReport = join(directory, 'aws.html');
let context: BrowserContext;
let page: Page;
const requested: string[] = [];

const sfn = mockClient(SFNClient);

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`).toBe(true);
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'stepops-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 720 },
  });
  // Self-contained: any request that is not the file itself is recorded and refused.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requested.push(url);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 60_000);

afterAll(async () => {
  await context?.close();
  sfn.restore();
});

describe('stepops run --report / watch --report: the HTML report in headless Chromium', () => {
  it('writes one self-contained file for a local run', async () => {
    const run = await runCli(['run', 'test/cli/fixtures/partial-failure.ts', '--report', localReport]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`report written to ${localReport}\n`);
    const html = readFileSync(localReport, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  });

  it('shows the graph, a row per op, each attempt a bar, each retry wait a labelled gap, failed and skipped marked, the retry plan', async () => {
    await page.goto(pathToFileURL(localReport).href);
    expect(await page.locator('h1').innerText()).toBe('partial_failure FAILED');
    expect(await page.locator('.row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-op')))).toStrictEqual(['extract', 'audit', 'load', 'notify']);

    const row = (op: string) => page.locator(`.row[data-op="${op}"]`);
    expect(await row('extract').locator('.bar.succeeded').count()).toBe(1);
    expect(
      await row('audit')
        .locator('.bar')
        .evaluateAll((bars) => bars.map((bar) => bar.className)),
    ).toStrictEqual(['bar failed', 'bar succeeded']);
    expect(await row('audit').locator('.gap-label').allInnerTexts()).toStrictEqual(['wait 5s: Error: audit log busy']);
    expect(await row('load').locator('.bar.failed').count()).toBe(3);
    expect(await row('load').locator('.gap-label').allInnerTexts()).toStrictEqual([
      'wait 2s: WarehouseDownError: warehouse down (retry 0)',
      'wait 4s: WarehouseDownError: warehouse down (retry 1)',
    ]);
    expect(await row('load').locator('.outcome').innerText()).toBe('failed after 3 attempts: WarehouseDownError: warehouse down (retry 2)');
    expect(await row('load').getAttribute('class')).toBe('row outcome-failed');
    expect(await row('notify').getAttribute('class')).toBe('row outcome-skipped');
    expect(await row('notify').locator('.bar').count()).toBe(0);
    expect(await row('notify').locator('.track-note').innerText()).toBe('skipped (upstream failed: load)');
    expect(await row('load').locator('.cell-plan').innerText()).toBe('indexed-retriers: 2s, 4s; worst case 6s');
    expect(await row('extract').locator('.cell-plan').innerText()).toBe('none: no retries');

    // Bars and gaps are laid out left to right on the time axis, and visible.
    const boxes = await row('load')
      .locator('.bar, .gap')
      .evaluateAll((elements) =>
        elements.map((element) => ({ kind: element.className, ...(element.getBoundingClientRect().toJSON() as { x: number; width: number; height: number }) })),
      );
    const ordered = [...boxes].sort((a, b) => a.x - b.x).map((box) => box.kind.split(' ')[0]);
    expect(ordered).toStrictEqual(['bar', 'gap', 'bar', 'gap', 'bar']);
    expect(boxes.every((box) => box.width > 0)).toBe(true);
    expect(await page.locator('.tick').allInnerTexts()).toStrictEqual(['+0s', '+1.5s', '+3s', '+4.5s', '+6s']);

    // The job graph: a node per op, an arrow per input.
    expect(await page.locator('.graph-svg .node').evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('data-op')}:${node.getAttribute('class')}`))).toStrictEqual([
      'extract:node outcome-succeeded',
      'load:node outcome-failed',
      'notify:node outcome-skipped',
      'audit:node outcome-succeeded',
    ]);
    expect(await page.locator('.graph-svg .edge').evaluateAll((edges) => edges.map((edge) => `${edge.getAttribute('data-from')}->${edge.getAttribute('data-to')}`))).toStrictEqual([
      'extract->load',
      'load->notify',
    ]);
    expect(requested).toStrictEqual([]);

    const screenshot = join(directory, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
    // UPDATE_DOCS=1 refreshes the README's picture from this test.
    if (process.env.UPDATE_DOCS === '1') {
      mkdirSync(resolve(REPO_ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: resolve(REPO_ROOT, 'docs/report.png'), fullPage: true });
    }
  }, 60_000);

  it('watch --report writes the same report for the execution on AWS', async () => {
    const local = await runJobLocally(partialFailure, { writeLog: () => {} });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: local.history });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:PartialFailure',
      name: 'run-9',
      status: 'FAILED',
      startDate: new Date(0),
      error: local.error!.error,
      cause: local.error!.cause,
    });
    const watched = await runCli(['watch', EXECUTION_ARN, '--report', awsReport, '--module', 'test/cli/fixtures/partial-failure.ts']);
    expect(watched.exitCode).toBe(1);
    const gantt = (html: string) => html.slice(html.indexOf('<section class="graph">'));
    expect(gantt(readFileSync(awsReport, 'utf8'))).toBe(gantt(readFileSync(localReport, 'utf8')));
    await page.goto(pathToFileURL(awsReport).href);
    expect(await page.locator('h1').innerText()).toBe('run-9 FAILED');
    expect(await page.locator('.row[data-op="load"] .bar').count()).toBe(3);
    expect(requested).toStrictEqual([]);
  }, 60_000);
});
