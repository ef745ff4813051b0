// Open built pages in headless Chromium and report what a person would run into:
// axe-core WCAG 2.1 A/AA violations (light and dark colour schemes), sideways scrolling at
// 320 CSS px (WCAG 1.4.10 reflow, which axe does not check), the page's language, whether the
// per-day uptime detail can be reached and opened with the keyboard alone, and what printing
// hides (navigation) and shows (every <details> body). The reader is in New York while the
// sites are in Berlin, so what status.js adds in the reader's time zone is reported too.
//
// usage: node check-pages.mjs SITE_DIR PAGE [PAGE ...]   (PAGE relative to SITE_DIR, e.g. incidents/x/)
// prints one JSON document: {"pages": [{page, scheme, width, lang, violations: [...], scrollWidth,
//   keyboard?: {tabs, opened, detail}, print?: {navVisible, hiddenDetails},
//   readerTimes?: [{start, end, shown, text}]}]}
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { serveSite, launchChromium } from "./site-server.mjs";

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const [siteDir, ...pages] = process.argv.slice(2);
const site = await serveSite(siteDir);
const browser = await launchChromium();
const results = [];

// Press Tab until a <summary> has the focus, then Enter: does its <details> open, with text in it?
async function keyboard(page) {
  if (!(await page.locator("details summary").count())) return undefined;
  for (let tabs = 1; tabs <= 60; tabs++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement && document.activeElement.tagName === "SUMMARY")) {
      await page.keyboard.press("Enter");
      return page.evaluate((tabs) => {
        const details = document.activeElement.parentElement;
        const item = details.querySelector("li");
        return { tabs, opened: details.open, detail: item ? item.innerText.trim() : "" };
      }, tabs);
    }
  }
  return { tabs: 60, opened: false, detail: "" };
}

async function printed(page) {
  await page.emulateMedia({ media: "print" });
  const found = await page.evaluate(() => {
    const nav = document.querySelector(".site-header nav");
    const bodies = [...document.querySelectorAll("details > :not(summary)")];
    return { navVisible: nav ? nav.checkVisibility() : false,
      hiddenDetails: bodies.filter((el) => !el.checkVisibility()).length };
  });
  await page.emulateMedia({ media: "screen" });
  return found;
}

try {
  for (const scheme of ["light", "dark"]) {
    for (const width of [1280, 320]) {
      // bypassCSP: axe-core is injected as an inline script, which the pages' policy rightly blocks
      // (tests/hostile/csp-check.mjs checks the pages under their policy).
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme,
        javaScriptEnabled: true, bypassCSP: true, timezoneId: "America/New_York" });
      const page = await context.newPage();
      for (const target of pages) {
        await page.goto(site.base + target, { waitUntil: "load" });
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        const lang = await page.evaluate(() => document.documentElement.lang);
        const result = { page: target, scheme, width, lang, violations: [], scrollWidth };
        // The ledger's current due date must be readable without scrolling sideways.
        result.dueInline = await page.evaluate(() => {
          const el = document.querySelector(".due-inline");
          if (!el) return null;
          const r = el.getBoundingClientRect();
          return { visible: el.checkVisibility(), right: r.right, text: el.textContent.trim() };
        });
        if (width === 1280) {
          await page.addScriptTag({ content: axeSource });
          // The markup is the same in both schemes, only colours change: the dark run checks the
          // rules about colour, which halves the time without missing a dark-scheme problem.
          const only = scheme === "light"
            ? { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }
            : { type: "rule", values: ["color-contrast", "link-in-text-block"] };
          result.violations = await page.evaluate(async (only) => {
            const r = await window.axe.run(document, { runOnly: only });
            return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary) }));
          }, only);
          if (scheme === "light") {
            // What the script wrote in the reader's zone, and the site's time shown before it.
            result.readerTimes = await page.evaluate(() => [...document.querySelectorAll(".reader-time")].map(
              (el) => ({ start: el.dataset.start, end: el.dataset.end || null, shown: el.parentElement.textContent,
                text: el.textContent })));
            result.print = await printed(page);
            result.keyboard = await keyboard(page);
          }
        }
        results.push(result);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  site.close();
}
process.stdout.write(JSON.stringify({ pages: results }) + "\n");
