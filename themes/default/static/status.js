// statusgen: small progressive enhancements for the status pages. No framework, no requests.
//
// Every page is complete without this script: next-update deadlines and the time the page was
// generated are in the HTML as absolute times in the site's zone. With it, in the reader's own
// clock and time zone:
// - each next-update deadline (<p class="next" data-due="...">) says "in 25 minutes" or
//   "overdue by 12 minutes", and switches to the overdue sentence once the deadline passes;
// - maintenance windows and the time of an open incident's latest update (<span class="reader-time"
//   data-start="..." [data-end="..."]>, empty in the HTML) add "(19:00 – 22:00 your time)", with the
//   day when it is another day there, if the reader's clock differs from the site's zone;
// - a page older than the site's refresh interval (<body data-generated data-refresh>) says
//   so at the top, so a stale page never poses as current;
// - printing opens every <details>, so a printed page holds the per-day uptime detail.
// Its words come from the page (<script type="application/json" id="statusgen-messages">), in
// the site's language: the theme's message catalog, keys under `js.`.
(function () {
  "use strict";

  var body = document.body;
  var generated = Date.parse(body.getAttribute("data-generated") || "");
  var refresh = Number(body.getAttribute("data-refresh") || 0) * 1000;
  var siteZone = body.getAttribute("data-timezone") || undefined;
  var lang = document.documentElement.lang || "en";
  var messages = {};
  try {
    messages = JSON.parse(document.getElementById("statusgen-messages").textContent);
  } catch (e) {
    return; // without its words the script stays out of the way: the page is complete as built
  }
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;

  // The message `key` with its {placeholders} filled in; a plural message is chosen by `n`.
  function t(key, values) {
    var message = messages[key];
    if (message === undefined) return "";
    if (typeof message === "object") {
      var form = plurals ? plurals.select(values.n) : values.n === 1 ? "one" : "other";
      message = message[form] || message.other;
    }
    return message.replace(/\{([a-z_][a-z0-9_]*)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }

  // "less than a minute", "25 minutes", "1 hour 5 minutes", "3 days 4 hours".
  function span(ms) {
    var minutes = Math.round(Math.abs(ms) / 60000);
    if (minutes < 1) return t("less_than_a_minute");
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = [];
    if (days) parts.push(t("days", { n: days }));
    if (hours) parts.push(t("hours", { n: hours }));
    if (mins && !days) parts.push(t("minutes", { n: mins }));
    return parts.join(" ");
  }

  // `time` formatted with Intl `options` in the given zone, or in the reader's own when zone is undefined.
  function format(time, options, zone) {
    try {
      options.timeZone = zone;
      return new Intl.DateTimeFormat(lang, options).format(time);
    } catch (e) {
      return "";
    }
  }

  // "13:35" in the given zone, or in the reader's own when zone is undefined.
  function clock(time, zone) {
    return format(time, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, zone);
  }

  function day(time, zone) {
    return format(time, { year: "numeric", month: "numeric", day: "numeric" }, zone);
  }

  // "Dec 1, 19:00" in the reader's zone.
  function dayAndClock(time) {
    return format(time, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  // ", at 13:35 your time" when the reader's clock shows another time than the site's zone.
  function readerTime(time) {
    var mine = clock(time);
    var site = clock(time, siteZone);
    return mine && site && mine !== site ? t("reader_time", { time: mine }) : "";
  }

  // " (19:00 – 22:00 your time)" for a window, " (05:35 your time)" for an instant; the day is
  // added where the reader's day is not the site's, and nothing is said when the clocks agree.
  function showReaderTime(element) {
    var start = Date.parse(element.getAttribute("data-start") || "");
    var end = Date.parse(element.getAttribute("data-end") || "");
    if (isNaN(start)) return;
    var times = isNaN(end) ? [start] : [start, end];
    var differs = times.some(function (time) {
      var mine = clock(time);
      return mine && mine !== clock(time, siteZone);
    });
    if (!differs) return;
    var first = day(start) === day(start, siteZone) ? clock(start) : dayAndClock(start);
    if (isNaN(end)) {
      element.textContent = t("reader_at", { time: first });
    } else {
      var last = day(end) === day(start) ? clock(end) : dayAndClock(end);
      element.textContent = t("reader_window", { start: first, end: last });
    }
  }

  function showDue(element, now) {
    var due = Date.parse(element.getAttribute("data-due") || "");
    if (isNaN(due)) return;
    var late = now > due;
    element.classList.toggle("overdue", late);
    var ahead = element.querySelector(".due-ahead");
    var past = element.querySelector(".due-past");
    if (ahead) ahead.hidden = late;
    if (past) past.hidden = !late;
    var text = late ? t("overdue_by", { time: span(now - due) })
      : t("in", { time: span(due - now), reader: readerTime(due) });
    var countdowns = element.querySelectorAll(".countdown");
    for (var i = 0; i < countdowns.length; i++) countdowns[i].textContent = text;
  }

  function showFreshness(now) {
    var notice = document.getElementById("stale-notice");
    var age = now - generated;
    if (isNaN(generated) || !(refresh > 0) || age <= refresh) {
      if (notice) notice.hidden = true;
      return;
    }
    if (!notice) {
      notice = document.createElement("p");
      notice.id = "stale-notice";
      notice.className = "notice stale";
      notice.setAttribute("role", "status");
      var main = document.getElementById("main") || body;
      main.insertBefore(notice, main.firstChild);
    }
    notice.hidden = false;
    notice.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = t("stale_title");
    notice.appendChild(strong);
    notice.appendChild(document.createTextNode(" " + t("stale_text", { age: span(age), refresh: span(refresh) })));
  }

  function tick() {
    var now = Date.now();
    var deadlines = document.querySelectorAll("[data-due]");
    for (var i = 0; i < deadlines.length; i++) showDue(deadlines[i], now);
    showFreshness(now);
  }

  // Print every detail; put the page back as the reader left it afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < closed.length; i++) {
      closed[i].open = true;
      opened.push(closed[i]);
    }
  });
  window.addEventListener("afterprint", function () {
    while (opened.length) opened.pop().open = false;
  });

  var readerTimes = document.querySelectorAll(".reader-time");
  for (var r = 0; r < readerTimes.length; r++) showReaderTime(readerTimes[r]);
  tick();
  window.setInterval(tick, 30000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) tick();
  });
})();
