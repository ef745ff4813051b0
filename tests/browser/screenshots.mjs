// Screenshots of a built site's home page, as customers first see it: 390 px (a phone) and
// 1280 px (a laptop), light and dark. The browser's clock is set to --now (the instant the site
// was built for, plus a few minutes), so countdowns are those of a fresh page.
//
// The first screen only, as the reader sees it without scrolling: 390 x 844 (a common phone) and
// 1280 x 1000.
//
// usage: node screenshots.mjs SITE_DIR OUT_DIR --now ISO_TIME [--zone IANA_ZONE]
// writes OUT_DIR/home-{390,1280}-{light,dark}.png and prints {"files": [...]} as JSON
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { serveSite, launchChromium } from "./site-server.mjs";

const { values, positionals } = parseArgs({ allowPositionals: true, options: {
  now: { type: "string" }, zone: { type: "string", default: "America/New_York" } } });
const HEIGHTS = { 390: 844, 1280: 1000 };
const [siteDir, outDir] = positionals;
if (!siteDir || !outDir || !values.now) throw new Error("usage: screenshots.mjs SITE_DIR OUT_DIR --now TIME");
await mkdir(outDir, { recursive: true });

const site = await serveSite(siteDir);
const browser = await launchChromium();
const files = [];
try {
  for (const scheme of ["light", "dark"]) {
    for (const width of [390, 1280]) {
      // A reader in another zone than the site's, so the page shows both clocks.
      const context = await browser.newContext({ viewport: { width, height: HEIGHTS[width] },
        colorScheme: scheme, timezoneId: values.zone, locale: "en-US", deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.clock.setFixedTime(new Date(values.now));
      await page.goto(site.base, { waitUntil: "load" });
      const file = join(outDir, `home-${width}-${scheme}.png`);
      await page.screenshot({ path: file });
      files.push(file);
      await context.close();
    }
  }
} finally {
  await browser.close();
  site.close();
}
process.stdout.write(JSON.stringify({ files }) + "\n");
