// Open built pages in headless Chromium and report what a person would run into:
// axe-core WCAG 2.1 A/AA violations (light and dark colour schemes) and sideways
// scrolling at 320 CSS px (WCAG 1.4.10 reflow, which axe does not check).
//
// usage: node check-pages.mjs SITE_DIR PAGE [PAGE ...]   (PAGE relative to SITE_DIR, e.g. incidents/x/)
// prints one JSON document: {"pages": [{page, scheme, width, violations: [...], scrollWidth}]}
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, normalize, extname, resolve } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const [siteDir, ...pages] = process.argv.slice(2);
const root = resolve(siteDir);
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".xml": "application/xml", ".json": "application/json" };

const server = createServer(async (req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (path.endsWith("/")) path += "index.html";
  const file = join(root, path);
  try {
    if (!file.startsWith(root) || !(await stat(file)).isFile()) throw new Error("not found");
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
    res.end(await readFile(join(root, "404.html")).catch(() => "not found"));
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],  // playwright gives it a fresh profile
});
const results = [];
try {
  for (const scheme of ["light", "dark"]) {
    for (const width of [1280, 320]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme,
        javaScriptEnabled: true });
      const page = await context.newPage();
      for (const target of pages) {
        await page.goto(base + target, { waitUntil: "load" });
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        let violations = [];
        if (width === 1280) {
          await page.addScriptTag({ content: axeSource });
          violations = await page.evaluate(async () => {
            const r = await window.axe.run(document, {
              runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
            return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary) }));
          });
        }
        results.push({ page: target, scheme, width, violations, scrollWidth });
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify({ pages: results }) + "\n");
