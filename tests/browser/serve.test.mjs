// `briefing serve` in Debian's Chromium, as an editor uses it: the server is started from
// inside a copy of this repository's site (the default root), a claim page is open, and
// the claims file is saved. The page must reload once, show the new text, and not reload
// again.
//
//   cd tests/browser && npm ci --ignore-scripts && npm test
//
// BRIEFING_BIN picks the binary (default: target/release/briefing, which `.ci/run` builds
// first); CHROMIUM another browser binary.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '../..');
const bin = path.resolve(process.env.BRIEFING_BIN || path.join(repo, 'target/release/briefing'));
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';

for (const [what, file] of [['briefing', bin], ['Chromium', browserPath]]) {
  if (!fs.existsSync(file)) {
    // Never a silent skip.
    console.error(`${what} not found at ${file}: run \`cargo build --release\` (or set BRIEFING_BIN), and install chromium`);
    process.exit(1);
  }
}

let site;
let server;
let address;
let browser;

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'briefing-serve-'));
  for (const part of ['briefing.toml', 'content', 'themes']) {
    fs.cpSync(path.join(repo, part), path.join(site, part), { recursive: true });
  }
  server = spawn(bin, ['serve', '--port', '0'], { cwd: site, env: { ...process.env, NO_COLOR: '1' } });
  address = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/[0-9.:]+\//);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening`)));
  });
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('an open page reloads once after a save, shows the new text, and stays', async () => {
  const claimsFile = path.join(site, 'content/claims.toml');
  const claims = fs.readFileSync(claimsFile, 'utf8');
  const id = claims.match(/^id = "([^"]+)"/m)[1];
  const finding = claims.match(/^finding = "([^"]+)"/m)[1];
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto(`${address}claims/${id}/`);
  await page.waitForLoadState('load');
  await sleep(1500); // the reload channel is open, and idle: no reload
  assert.equal(loads, 1, 'the page reloaded without a save');
  assert.ok((await page.textContent('body')).includes(finding));

  const edited = `${finding} (edited in the browser test)`;
  fs.writeFileSync(claimsFile, claims.replace(`finding = "${finding}"`, `finding = "${edited}"`));
  const start = Date.now();
  while (loads < 2) {
    assert.ok(Date.now() - start < 20000, 'the page did not reload after the save');
    await sleep(20);
  }
  await page.waitForLoadState('load');
  assert.ok((await page.textContent('body')).includes(edited), 'the reloaded page shows the save');
  await sleep(3000);
  assert.equal(loads, 2, 'the page reloaded again without another save');
  assert.deepEqual(errors, []);
  await page.close();
});
