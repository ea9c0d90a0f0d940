// Runs axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on HTML files in
// Debian's headless Chromium and prints every violation: rule, impact,
// the elements and what to do. Exits 1 if there is any.
//
//   node scripts/a11y/axe.mjs report.html [more.html ...]
//
// The report forbids scripts with a Content-Security-Policy; the check
// runs axe in a browser context that bypasses it (the file is not changed).
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node axe.mjs FILE.html ...");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
let failed = 0;
try {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } });
  for (const file of files) {
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.resolve(file)).href);
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }));
    console.log(`${file}: ${result.passes.length} rules passed, ${result.violations.length} violated, ${result.incomplete.length} to check by hand`);
    for (const v of result.violations) {
      failed++;
      console.log(`  ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`);
      for (const n of v.nodes.slice(0, 5)) {
        console.log(`    ${n.target.join(" ")}: ${n.failureSummary.replace(/\n/g, " ")}`);
      }
    }
    for (const v of result.incomplete) {
      const why = new Set(v.nodes.flatMap((n) => n.any.map((c) => c.message)));
      console.log(`  to check by hand: ${v.id}: ${v.help} (${v.nodes.length} elements): ${[...why].slice(0, 3).join("; ")}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
