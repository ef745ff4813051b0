// Open built pages in headless Chromium and report, per page, the Content-Security-Policy the
// page declares and every CSP violation the browser reports while loading and running it.
//
// usage: node csp-check.mjs SITE_DIR PAGE [PAGE ...]   (PAGE relative to SITE_DIR, e.g. incidents/x/)
// prints one JSON document: {"pages": [{page, csp, violations: [{directive, blocked, source}], console: [...]}]}
import { serveSite, launchChromium } from "../browser/site-server.mjs";

const [siteDir, ...pages] = process.argv.slice(2);
const site = await serveSite(siteDir);
const browser = await launchChromium();
const results = [];

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
  // Registered before any script of the page runs, so no violation is missed.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI,
        source: `${e.sourceFile}:${e.lineNumber}` });
    });
  });
  const page = await context.newPage();
  for (const target of pages) {
    const messages = [];
    const onConsole = (m) => { if (/Content Security Policy/i.test(m.text())) messages.push(m.text()); };
    page.on("console", onConsole);
    await page.goto(site.base + target, { waitUntil: "load" });
    await page.waitForTimeout(200); // let deferred scripts run
    const found = await page.evaluate(() => {
      const meta = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
      return { csp: meta ? meta.getAttribute("content") : "", violations: window.__cspViolations || [] };
    });
    page.off("console", onConsole);
    results.push({ page: target, ...found, console: messages });
  }
} finally {
  await browser.close();
  site.close();
}
process.stdout.write(JSON.stringify({ pages: results }) + "\n");
