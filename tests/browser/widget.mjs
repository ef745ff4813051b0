// The banner other sites embed (widget.js), as a customer's own web app meets it: a page on a
// second origin loads <script async src="<site>/widget.js"> from the status site, which is
// served with no CORS headers. Reports whether the banner shows, its role, language and text,
// axe-core WCAG 2.1 AA on the banner in light and dark, keyboard dismissal, reduced motion,
// cookies, and script errors.
//
// usage: node widget.mjs SITE_DIR READER_NOW   (READER_NOW: the browser's clock, ISO 8601)
// prints one JSON document.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { serveSite, launchChromium } from "./site-server.mjs";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const [siteDir, readerNow] = process.argv.slice(2);

const site = await serveSite(siteDir); // origin 1: the status site
const app = createServer((req, res) => { // origin 2: a customer's app
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Customer app</title>
<script async src="${site.base}widget.js"></script></head>
<body><main><h1>Customer app</h1><p>Work goes on here. <a href="#x">A link of the app</a></p></main></body></html>`);
});
await new Promise((ok) => app.listen(0, "127.0.0.1", ok));
const appUrl = `http://localhost:${app.address().port}/`; // another host name and port: another origin
const browser = await launchChromium();
const result = { appOrigin: new URL(appUrl).origin, siteOrigin: new URL(site.base).origin };

async function open(options) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  await context.clock.install({ time: new Date(readerNow) });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(appUrl, { waitUntil: "load" });
  await page.clock.runFor(1000); // the banner fills itself in after a short delay
  await page.waitForTimeout(100);
  return { context, page, errors };
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run({ include: [["#statusgen-status"]] },
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.failureSummary).join("; ")}`);
  });
}

try {
  for (const scheme of ["light", "dark"]) {
    const { context, page, errors } = await open({ colorScheme: scheme });
    const host = page.locator("#statusgen-status");
    const present = (await host.count()) === 1;
    result[scheme] = { present, errors };
    if (present) {
      result[scheme].violations = await axe(page);
      if (scheme === "light") {
        Object.assign(result, await host.evaluate((el) => ({
          role: el.getAttribute("role"), lang: el.lang, label: el.getAttribute("aria-label"),
          text: el.shadowRoot.querySelector(".b").textContent,
          links: [...el.shadowRoot.querySelectorAll("a")].map((a) => a.href),
          animation: getComputedStyle(el.shadowRoot.querySelector(".b")).animationName,
          width: el.shadowRoot.querySelector(".b").getBoundingClientRect().width,
        })));
        // Keyboard: Tab from the top reaches the banner's link, then its close button; Escape closes it.
        const reached = [];
        for (let i = 0; i < 6; i++) {
          await page.keyboard.press("Tab");
          reached.push(await page.evaluate(() => {
            const inner = document.activeElement && document.activeElement.shadowRoot
              ? document.activeElement.shadowRoot.activeElement : null;
            return inner ? inner.tagName + ":" + (inner.getAttribute("aria-label") || inner.textContent) : "page";
          }));
        }
        result.tabs = reached;
        await page.focus("#statusgen-status >> a");
        await page.keyboard.press("Escape");
        result.afterEscape = await page.locator("#statusgen-status").count();
        await page.reload({ waitUntil: "load" });
        await page.clock.runFor(1000);
        result.afterReload = await page.locator("#statusgen-status").count();
        result.cookies = (await context.cookies()).length + (await page.evaluate(() => document.cookie)).length;
      }
    }
    await context.close();
  }
  const reduced = await open({ reducedMotion: "reduce" });
  if (await reduced.page.locator("#statusgen-status").count()) {
    result.reducedAnimation = await reduced.page.locator("#statusgen-status").evaluate(
      (el) => getComputedStyle(el.shadowRoot.querySelector(".b")).animationName);
  }
  await reduced.context.close();
  const narrow = await open({ viewport: { width: 320, height: 640 } });
  result.scrollWidth320 = await narrow.page.evaluate(() => document.documentElement.scrollWidth);
  await narrow.context.close();
} finally {
  await browser.close();
  site.close();
  app.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
