// End-to-end tests of the built briefing in Debian's Chromium, driven by playwright-core
// (no browser download: it drives /usr/bin/chromium). Against `output/` served by a
// loopback server under a subpath, and opened from file://. Accessibility with axe-core,
// validity with the Nu HTML Checker (vnu.jar, Java).
//
//   cd tests/browser && npm ci --ignore-scripts && npm test
//
// BRIEFING_OUTPUT picks another built site; CHROMIUM another browser binary.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '../..');
const output = path.resolve(process.env.BRIEFING_OUTPUT || path.join(repo, 'output'));
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = path.join(here, 'screenshots');
const SUBPATH = '/briefing/';

if (!fs.existsSync(browserPath)) {
  // Never a silent skip: without a browser these tests fail, and say how to get one.
  console.error(`Chromium not found at ${browserPath}. Install it with: apt-get install chromium (or set CHROMIUM=/path/to/chrome)`);
  process.exit(1);
}

/** Every HTML file of the output, as paths relative to it. */
function htmlFiles(dir = output, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) out.push(...htmlFiles(path.join(dir, entry.name), rel + '/'));
    else if (entry.name.endsWith('.html')) out.push(rel);
  }
  return out;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml', '.txt': 'text/plain' };
let server;
let base;
/** What the server serves: a path prefix, and the folder under it. */
const roots = { [SUBPATH]: output };
let browser;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const prefix = Object.keys(roots).find((p) => url.pathname.startsWith(p));
    if (!prefix) { res.writeHead(404); return res.end('outside the site'); }
    const root = roots[prefix];
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); return res.end('not found');
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}${SUBPATH}`;
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Opens a page, collecting console errors and requests that leave the site. */
async function open(url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('request', (r) => {
    const u = r.url();
    const origin = base.slice(0, base.length - SUBPATH.length);
    if (!(u.startsWith(base) || u.startsWith(origin + '/lang-') || u.startsWith(origin + '/long/') || u.startsWith(origin + '/archive') || u.startsWith('file://'))) problems.push(`request outside the site: ${u}`);
  });
  const response = await page.goto(url);
  return { page, context, problems, response };
}

test('every page loads under a subpath with no console error and no request outside the site', async () => {
  const pages = htmlFiles().filter((p) => p !== '404.html');
  assert.ok(pages.length > 10);
  for (const rel of pages) {
    const { page, context, problems, response } = await open(base + rel);
    assert.equal(response.status(), 200, rel);
    // The stylesheet applied: the body font is not the browser default.
    const css = await page.evaluate(() => document.styleSheets.length);
    assert.ok(css >= 2, `${rel}: stylesheets not loaded`);
    assert.deepEqual(problems, [], rel);
    await context.close();
  }
});

test('the site works from file://', async () => {
  for (const rel of ['index.html', 'articles/udaipur-freelancer/index.html', 'claims/prior-post-october-2024/index.html']) {
    const { page, context, problems } = await open('file://' + path.join(output, rel));
    assert.deepEqual(problems, [], rel);
    const color = await page.evaluate(() => getComputedStyle(document.querySelector('.site-title')).textDecorationLine);
    assert.equal(color, 'none', `${rel}: the theme's CSS applies`);
    await context.close();
  }
  // Links resolve to files from disk too.
  const { page, context } = await open('file://' + path.join(output, 'index.html'));
  await page.click('#articles h3 a >> nth=0');
  assert.match(page.url(), /articles\/[a-z0-9-]+\/index\.html$/);
  await context.close();
});

test('front page, article and claim pages link to each other', async () => {
  const { page, context, problems } = await open(base + 'index.html');
  await page.click('#articles a[href$="udaipur-freelancer/index.html"]');
  assert.equal(page.url(), base + 'articles/udaipur-freelancer/index.html');
  // The note after the flagged passage leads to the claim page…
  await page.click('a.note[href$="claims/prior-post-october-2024/index.html"]');
  assert.equal(page.url(), base + 'claims/prior-post-october-2024/index.html');
  // …which leads back to the highlighted spot.
  await page.click('.in-context a[href*="#q-prior-post-october-2024-1"] >> nth=0');
  assert.equal(page.url(), base + 'articles/udaipur-freelancer/index.html#q-prior-post-october-2024-1');
  assert.ok(await page.locator('#q-prior-post-october-2024-1').isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});

test('a highlighted passage is visible, and its note is reachable by keyboard and announced', async () => {
  const { page, context } = await open(base + 'articles/udaipur-freelancer/index.html');
  const mark = page.locator('mark#q-prior-post-october-2024-1');
  assert.ok(await mark.isVisible());
  assert.match(await mark.innerText(), /October 2024/);
  const bg = await mark.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'a flagged passage is highlighted');
  // Tab through the page until the note of that passage has focus.
  let found = null;
  for (let i = 0; i < 300 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a.matches('a.note') && a.getAttribute('href').includes('prior-post-october-2024') && a.previousElementSibling?.id === 'q-prior-post-october-2024-1'
        ? a.textContent.trim().replace(/\s+/g, ' ') : null;
    });
  }
  assert.ok(found, 'the note is reachable with Tab');
  // Its accessible name (the link's text) says the verdict and the finding.
  assert.match(found, /^False The joint post .* 28 October 2025/);
  const snapshot = await page.locator('a.note[href$="claims/prior-post-october-2024/index.html"]').ariaSnapshot();
  assert.match(snapshot, /link "False The joint post/);
  await context.close();
});

test('verdicts are never told by colour alone', async () => {
  for (const rel of htmlFiles().filter((p) => p.startsWith('articles/'))) {
    const { page, context } = await open(base + rel);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('mark.claim[id]')]
      .filter((m) => {
        // The note after the passage (after an enclosing link, if any) names the verdict.
        let el = m;
        while (el && !(el.nextElementSibling && el.nextElementSibling.matches('a.note'))) el = el.parentElement;
        const note = el && el.nextElementSibling;
        return !note || !note.querySelector('.note-label')?.textContent.trim();
      }).map((m) => m.id));
    assert.deepEqual(unlabelled, [], rel);
    const badges = await page.evaluate(() => [...document.querySelectorAll('.badge')].filter((b) => !b.textContent.trim()).length);
    assert.equal(badges, 0, rel);
    await context.close();
  }
});

test('the discrepancy section shows each side', async () => {
  const { page, context } = await open(base + 'index.html');
  const section = page.locator('section.discrepancy#prior-post-date');
  assert.ok(await section.isVisible());
  const sides = section.locator('.side');
  assert.equal(await sides.count(), 2);
  assert.deepEqual(await section.locator('.side .badge').allInnerTexts(), ['FALSE', 'ACCURATE']);
  assert.match(await section.locator('.resolution').innerText(), /October 2025/);
  // Side by side on a wide screen.
  const [a, b] = [await sides.nth(0).boundingBox(), await sides.nth(1).boundingBox()];
  assert.ok(b.x > a.x && Math.abs(a.y - b.y) < 5, 'the two sides sit next to each other');
  await context.close();
});

test('print hides navigation and keeps flags and notes readable', async () => {
  const { page, context } = await open(base + 'articles/udaipur-freelancer/index.html');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').evaluate((e) => getComputedStyle(e).display), 'none');
  assert.equal(await page.locator('.site-footer').evaluate((e) => getComputedStyle(e).display), 'none');
  const mark = page.locator('mark#q-prior-post-october-2024-1');
  assert.ok(await mark.isVisible());
  assert.notEqual(await mark.evaluate((e) => getComputedStyle(e).borderBottomStyle), 'none');
  assert.ok(await page.locator('a.note.v-false >> nth=0').isVisible());
  await context.close();
});

/** One page of each type: what the width and layout tests walk. */
const PAGE_TYPES = ['index.html', 'articles/udaipur-freelancer/index.html', 'articles/why-it-matters/index.html',
  'claims/prior-post-october-2024/index.html', 'sources/index.html', 'corrections/index.html', '404.html'];

test('no page scrolls sideways at 320, 768 or 1280 px, and nothing inside it is cut off', async () => {
  for (const width of [320, 768, 1280]) {
    for (const rel of PAGE_TYPES) {
      const { page, context } = await open(base + rel, { viewport: { width, height: 900 } });
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${rel} at ${width} px: scrollWidth ${scroll} > clientWidth ${client}`);
      // A box that scrolls on its own (a table wrapper, a code block) hides what is past its edge.
      const clipped = await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`));
      assert.deepEqual(clipped, [], `${rel} at ${width} px`);
      await context.close();
    }
  }
});

test('a claim page leads with the verdict: the rating card is the largest text, the claim is quoted', async () => {
  const { page, context } = await open(base + 'claims/prior-post-october-2024/index.html', { viewport: { width: 1280, height: 900 } });
  const h1 = page.locator('h1');
  assert.equal(await h1.count(), 1);
  assert.match(await h1.innerText(), /28 October 2025/, 'the headline is the finding, not the false claim');
  assert.match(await page.locator('.rating-card .rating-label').innerText(), /^(OUR VERDICT:\s*)?FALSE$/);
  const card = await page.locator('.rating-card').boundingBox();
  const claim = await page.locator('.claim-quoted').boundingBox();
  assert.ok(card.y < claim.y && card.y + card.height < 900, 'the rating card comes first, above the fold');
  assert.match(await page.locator('.claim-quoted').innerText(), /^Claim: “The partnership terms/);
  // No text on the page is larger than the finding.
  const sizes = await page.evaluate(() => {
    const px = (e) => parseFloat(getComputedStyle(e).fontSize);
    const finding = px(document.querySelector('h1'));
    const larger = [...document.querySelectorAll('main *')].filter((e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && px(e) > finding);
    return larger.map((e) => e.tagName + '.' + e.className);
  });
  assert.deepEqual(sizes, []);
  // The claims-file entry is folded below.
  assert.equal(await page.locator('details.recorded').getAttribute('open'), null);
  assert.ok(!(await page.locator('details.recorded pre').isVisible()));
  await context.close();
});

test('an article page lists flagged passages first, folds the accurate ones, and keeps accurate notes quiet', async () => {
  const { page, context } = await open(base + 'articles/udaipur-freelancer/index.html', { viewport: { width: 1280, height: 900 } });
  assert.ok(await page.locator('.summary ul.flags').isVisible());
  assert.ok(!(await page.locator('.summary details ul.accurate').isVisible()), 'the accurate passages are folded');
  await page.locator('.summary details summary').click();
  assert.ok(await page.locator('.summary details ul.accurate').isVisible());
  // A flagged passage's note shows its finding; an accurate one's is a tick, its text only for screen readers.
  const quiet = page.locator('a.note.quiet >> nth=0');
  const box = await quiet.boundingBox();
  assert.ok(box.width < 20, `the accurate note is ${box.width} px wide`);
  assert.match(await quiet.evaluate((a) => a.textContent), /Accurate/);
  const flagged = await page.locator('a.note.v-false >> nth=0').boundingBox();
  assert.ok(flagged.width > 100);
  await context.close();
});

test('a discrepancy highlights each side in its verdict’s colour', async () => {
  const { page, context } = await open(base + 'index.html');
  const colours = await page.locator('section.discrepancy#prior-post-date .side').evaluateAll((sides) => sides.map((s) => getComputedStyle(s.querySelector('blockquote.in-context mark')).backgroundColor));
  assert.equal(colours.length, 2);
  assert.notEqual(colours[0], colours[1]);
  await context.close();
});

async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const r = await window.axe.run(document);
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  });
}

test('axe-core finds no violation on any page type, light and dark', async () => {
  const types = PAGE_TYPES;
  for (const colorScheme of ['light', 'dark']) {
    for (const rel of types) {
      const { page, context } = await open(base + rel, { colorScheme });
      assert.deepEqual(await axeViolations(page), [], `${rel} (${colorScheme})`);
      await context.close();
    }
  }
});

test('every page is valid HTML (Nu HTML Checker)', () => {
  const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
  const files = htmlFiles().map((p) => path.join(output, p));
  try {
    execFileSync('java', ['-jar', jar, '--errors-only', ...files], { stdio: 'pipe' });
  } catch (e) {
    if (e.code === 'ENOENT') assert.fail('Java not found: install it (apt-get install default-jre-headless)');
    assert.fail(`vnu reported errors:\n${e.stderr}`);
  }
});

/** The repository's briefing built with `language = lang` by the release binary, in a
 * temporary folder: its output's path. */
function builtIn(lang) {
  const binary = process.env.BRIEFING_BIN || path.join(repo, 'target/release/briefing');
  if (!fs.existsSync(binary)) assert.fail(`no ${binary}: run cargo build --release first (or set BRIEFING_BIN)`);
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `briefing-${lang}-`));
  const config = fs.readFileSync(path.join(repo, 'briefing.toml'), 'utf8').replace(/^language = ".*"$/m, `language = "${lang}"`);
  assert.match(config, new RegExp(`language = "${lang}"`));
  fs.writeFileSync(path.join(dir, 'briefing.toml'), config);
  fs.cpSync(path.join(repo, 'content'), path.join(dir, 'content'), { recursive: true });
  execFileSync(binary, ['build', '-q', '--root', dir, '--output', path.join(dir, 'out')], { stdio: 'pipe' });
  return path.join(dir, 'out');
}

test('every shipped language: axe and Nu find nothing, no page scrolls sideways, Arabic reads right to left', async () => {
  const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
  for (const lang of ['fr', 'de', 'es', 'ru', 'ar']) {
    const out = builtIn(lang);
    roots[`/lang-${lang}/`] = out;
    const at = base.slice(0, base.length - SUBPATH.length) + `/lang-${lang}/`;
    for (const rel of PAGE_TYPES) {
      for (const width of [320, 1280]) {
        const { page, context, problems } = await open(at + rel, { viewport: { width, height: 900 } });
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(scroll <= client, `${lang} ${rel} at ${width} px: scrollWidth ${scroll} > ${client}`);
        if (width === 1280) assert.deepEqual(await axeViolations(page), [], `${lang} ${rel}`);
        assert.deepEqual(problems, [], `${lang} ${rel}`);
        await context.close();
      }
    }
    try {
      execFileSync('java', ['-jar', jar, '--errors-only', ...PAGE_TYPES.map((p) => path.join(out, p))], { stdio: 'pipe' });
    } catch (e) {
      assert.fail(`${lang}: vnu reported errors:\n${e.stderr}`);
    }
    if (lang === 'ar') {
      const { page, context } = await open(at + 'index.html', { viewport: { width: 1280, height: 1200 } });
      assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).direction), 'rtl');
      // Mirrored: the heading starts at the right edge of the text column.
      const h1 = await page.locator('h1').boundingBox();
      const main = await page.locator('main').boundingBox();
      assert.ok(main.x + main.width - (h1.x + h1.width) < 40, 'the heading sits on the right');
      await page.screenshot({ path: path.join(shots, 'front-ar.png') });
      await context.close();
    }
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
});

test('a claims-file entry in short classes looks exactly as in syntect\'s classes, light and dark', async () => {
  // The same site with a highlight.css of its own (a copy of ours): its entries are then
  // written in syntect's nested classes, which the short ones stand for.
  const binary = process.env.BRIEFING_BIN || path.join(repo, 'target/release/briefing');
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'briefing-long-classes-'));
  fs.copyFileSync(path.join(repo, 'briefing.toml'), path.join(dir, 'briefing.toml'));
  fs.cpSync(path.join(repo, 'content'), path.join(dir, 'content'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'static'));
  fs.copyFileSync(path.join(output, 'highlight.css'), path.join(dir, 'static', 'highlight.css'));
  execFileSync(binary, ['build', '-q', '--root', dir, '--output', path.join(dir, 'out')], { stdio: 'pipe' });
  /** Each character of the page's entry with how it looks. */
  const looks = async (file, colorScheme) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto('file://' + file);
    const chars = await page.evaluate(() => {
      const out = [];
      const pre = document.querySelector('pre.toml');
      const walk = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const s = getComputedStyle(n.parentElement);
        let bg = 'rgba(0, 0, 0, 0)';
        for (let e = n.parentElement; e !== pre && bg === 'rgba(0, 0, 0, 0)'; e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
        const deco = [];
        for (let e = n.parentElement; e !== pre; e = e.parentElement) deco.push(getComputedStyle(e).textDecorationLine);
        const look = [s.color, s.fontWeight, s.fontStyle, bg, deco.filter((d) => d !== 'none').join(' ')].join('|');
        for (const c of n.data) out.push(`${c} ${look}`);
      }
      return out;
    });
    await context.close();
    return chars;
  };
  const claims = fs.readdirSync(path.join(output, 'claims'));
  assert.ok(claims.length > 5);
  for (const id of claims) {
    const short = path.join(output, 'claims', id, 'index.html');
    const long = path.join(dir, 'out', 'claims', id, 'index.html');
    assert.match(fs.readFileSync(short, 'utf8'), /class="hl-t\d+"/, `${id}: short classes`);
    assert.match(fs.readFileSync(long, 'utf8'), /class="hl-string hl-quoted/, `${id}: syntect's classes`);
    for (const scheme of ['light', 'dark']) {
      const [a, b] = [await looks(short, scheme), await looks(long, scheme)];
      assert.ok(a.length > 50, `${id}: the entry is there`);
      const at = a.findIndex((c, i) => c !== b[i]);
      assert.equal(at === -1 && a.length === b.length, true, `${id} (${scheme}) differs at ${at}: ${a[at]} against ${b[at]}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a title and an outlet of one long word never push a page sideways', async () => {
  const binary = process.env.BRIEFING_BIN || path.join(repo, 'target/release/briefing');
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'briefing-long-'));
  const site = path.join(dir, 'site');
  execFileSync(binary, ['new', site], { stdio: 'pipe' });
  const article = path.join(site, 'content/articles/example.md');
  const long = 'Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz';
  fs.writeFileSync(article, fs.readFileSync(article, 'utf8')
    .replace(/^title = .*$/m, `title = "${long} aufgehoben"`).replace(/^outlet = .*$/m, `outlet = "${long}blatt"`));
  execFileSync(binary, ['build', '-q', '--root', site], { stdio: 'pipe' });
  roots['/long/'] = path.join(site, 'output');
  const at = base.slice(0, base.length - SUBPATH.length) + '/long/';
  for (const width of [320, 768, 1280]) {
    for (const rel of ['index.html', 'articles/example/index.html']) {
      const { page, context } = await open(at + rel, { viewport: { width, height: 900 } });
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${rel} at ${width} px: scrollWidth ${scroll} > ${client}`);
      await context.close();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('screenshots: desktop, phone, dark, first printed page', async () => {
  const shot = async (name, rel, options) => {
    const { page, context } = await open(base + rel, options);
    await page.screenshot({ path: path.join(shots, name), fullPage: false });
    await context.close();
  };
  await shot('front-desktop.png', 'index.html', { viewport: { width: 1280, height: 1600 } });
  await shot('article-desktop.png', 'articles/udaipur-freelancer/index.html', { viewport: { width: 1280, height: 1600 } });
  await shot('article-phone.png', 'articles/udaipur-freelancer/index.html', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await shot('front-dark.png', 'index.html', { viewport: { width: 1280, height: 1600 }, colorScheme: 'dark' });
  await shot('claim-desktop.png', 'claims/prior-post-october-2024/index.html', { viewport: { width: 1280, height: 900 } });
  const { page, context } = await open(base + 'articles/udaipur-freelancer/index.html');
  const pdf = path.join(shots, 'article-print.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  await context.close();
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', pdf, path.join(shots, 'article-print')]);
  for (const f of ['front-desktop.png', 'article-phone.png', 'front-dark.png', 'article-print-1.png']) {
    assert.ok(fs.statSync(path.join(shots, f)).size > 10_000, f);
  }
});

/** Builds the archive fixture into a fresh folder, served under `/<name>/`. */
function buildArchive(name) {
  const binary = process.env.BRIEFING_BIN || path.join(repo, 'target/release/briefing');
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `briefing-${name}-`));
  const out = path.join(dir, 'out');
  execFileSync(binary, ['build', '-q', '--root', path.join(repo, 'tests/fixtures/sites/archive'), '--output', out, '--cache-dir', path.join(dir, 'cache')], { stdio: 'pipe' });
  roots[`/${name}/`] = out;
  return { dir, out, at: base.slice(0, base.length - SUBPATH.length) + `/${name}/` };
}

test('an archive: its home and its briefings pass axe and Nu, work under a subpath, and never scroll sideways', async () => {
  const { dir, out, at } = buildArchive('archive');
  // The home, a briefing's front page, a claim, an article that changed after the check,
  // and the pages across briefings: topics, outlets, search.
  const pages = ['index.html', 'harbour/index.html', 'bridge/claims/bridge-cost/index.html', 'bridge/articles/courier/index.html',
    'topics/index.html', 'topics/money/index.html', 'outlets/index.html', 'outlets/example-town-herald/index.html', 'search/index.html'];
  for (const rel of pages) {
    for (const width of [320, 1280]) {
      const { page, context, problems } = await open(at + rel, { viewport: { width, height: 900 } });
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${rel} at ${width} px: scrollWidth ${scroll} > ${client}`);
      if (width === 1280) {
        assert.deepEqual(await axeViolations(page), [], rel);
        if (rel === 'index.html') await page.screenshot({ path: path.join(shots, 'archive-home.png'), fullPage: true });
        if (rel.includes('courier')) await page.screenshot({ path: path.join(shots, 'article-changed.png') });
        if (rel.startsWith('outlets/example')) await page.screenshot({ path: path.join(shots, 'archive-outlet.png'), fullPage: true });
        if (rel.startsWith('topics/money')) await page.screenshot({ path: path.join(shots, 'archive-topic.png'), fullPage: true });
      }
      assert.deepEqual(problems, [], rel);
      await context.close();
    }
  }
  // From the home to a briefing, and back by the archive's link.
  const { page, context } = await open(at + 'index.html');
  await page.getByRole('link', { name: 'The harbour reopening, checked' }).click();
  assert.match(page.url(), /\/archive\/harbour\/index\.html$/);
  await page.locator('a.archive-title').click();
  assert.match(page.url(), /\/archive\/index\.html$/);
  await context.close();
  const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
  try {
    execFileSync('java', ['-jar', jar, '--errors-only', ...pages.map((p) => path.join(out, p))], { stdio: 'pipe' });
  } catch (e) {
    assert.fail(`vnu reported errors:\n${e.stderr}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('archive search: a word of a finding finds its claim, by keyboard alone, from file:// and under a subpath', async () => {
  const { dir, out, at: served } = buildArchive('archive-search');
  for (const at of [served, 'file://' + out + '/']) {
    const { page, context, problems } = await open(at + 'index.html', { viewport: { width: 1280, height: 900 } });
    const loaded = [];
    page.on('request', (r) => { if (r.url().includes('/search/') && r.url().endsWith('.js')) loaded.push(r.url().split('/search/')[1]); });
    // Keyboard only: Tab from the top of the home to its search box, type, Enter.
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'q'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement.id);
    }
    assert.equal(focused, 'q', `${at}: the search box is reachable by Tab`);
    await page.keyboard.type('papers');
    await page.keyboard.press('Enter');
    await page.waitForURL(/search\/index\.html\?q=papers$/);
    const first = page.locator('#results li a').first();
    await first.waitFor();
    assert.equal(await first.textContent(), 'Bridge repairs will cost £2.4 million.');
    assert.equal(await page.locator('#search-status').textContent(), 'Results: 1');
    // Only what the query needs: the list of shards, its word's shard, one chunk of documents.
    assert.deepEqual(loaded.sort(), ['d/0.js', 'meta.js', 't/70-61.js'], at);
    // axe reads the stylesheets by XHR, which file:// refuses: served only.
    if (at === served) {
      assert.deepEqual(await axeViolations(page), [], 'search with results');
      await page.screenshot({ path: path.join(shots, 'archive-search.png') });
    }
    // Typing refines the results as you go; folded: "reopen" finds "reopened" and "Réopens".
    await page.locator('#q').fill('');
    await page.keyboard.type('reopen tuesday');
    await page.locator('#results li a', { hasText: 'Tuesday' }).waitFor();
    assert.deepEqual(await page.locator('#results li a').allTextContents(), ['The harbour reopened on a Tuesday.']);
    // Then Tab from the box to the first result, and Enter follows it.
    await page.locator('#q').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'The harbour reopened on a Tuesday.');
    await page.keyboard.press('Enter');
    await page.waitForURL(/harbour\/claims\/reopened-tuesday\/index\.html$/);
    assert.deepEqual(problems, [], at);
    await context.close();
  }
  // No page needs JavaScript to be read: without it, the search page says where else to look.
  const { page, context } = await open(served + 'search/index.html', { javaScriptEnabled: false });
  assert.match(await page.locator('main').textContent(), /Search needs JavaScript/);
  await page.locator('main').getByRole('link', { name: 'topics', exact: true }).click();
  assert.match(page.url(), /\/topics\/index\.html$/);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
