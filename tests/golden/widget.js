// statusgen status banner: add <script async src="https://status.example.com/widget.js"> (and its end tag)
// into any page. It shows a short notice, in the status site's language, only while an incident
// is open or maintenance is under way; otherwise nothing. Its data is written into this file by
// every build, so it needs no request, no CORS and no cookies. The banner lives in a shadow
// root, so the page's styles and ours never meet. (docs/notifications.md in statusgen)
(function (d, w) {
  "use strict";
  var data = {"generated":1795604400000,"id":"7c749fa6b417","items":[{"kind":"incident","status":"Identified","title":"Single sign-on (SAML) sign-in failing","url":"https://status.acme.example/incidents/2026-11-25-sso-sign-in-failures/"}],"lang":"en","stale":5400000,"t":{"details":"Details","dismiss":"Dismiss this notice","incident":"Incident","maintenance":"Maintenance","region":"Service status"}}, now = Date.now(), key;
  // A copy that stopped being rebuilt must not keep warning about an old incident.
  if (!data || now - data.generated > data.stale) return;
  key = "statusgen-dismissed:" + data.id;
  try { if (w.sessionStorage.getItem(key)) return; } catch (e) {}
  var items = data.items.filter(function (i) { return !i.from || (now >= i.from && now < i.to); }).slice(0, 3);
  if (!items.length || d.getElementById("statusgen-status")) return;
  var t = data.t, host = d.createElement("div"), root, box;
  host.id = "statusgen-status";
  host.setAttribute("role", "status");
  host.setAttribute("aria-label", t.region);
  host.lang = data.lang;
  root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  (d.body || d.documentElement).appendChild(host);
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function close() {
    try { w.sessionStorage.setItem(key, "1"); } catch (e) {}
    host.remove();
  }
  // Filled after the region is in the page, so screen readers announce it.
  setTimeout(function () {
    var style = el("style");
    style.textContent = ":host{all:initial}" +
      ".b{position:fixed;z-index:2147483647;left:12px;right:12px;bottom:12px;max-width:34rem;margin:0 auto;" +
      "box-sizing:border-box;padding:12px 44px 12px 14px;border-radius:8px;border-left:6px solid #0969da;" +
      "background:#fff;color:#1f2328;box-shadow:0 4px 16px rgba(0,0,0,.25);font:15px/1.45 system-ui,sans-serif}" +
      ".b.i{border-left-color:#cf222e}p{margin:0 0 4px}p:last-of-type{margin:0}a{color:#0550ae}" +
      "button{position:absolute;top:6px;right:6px;width:32px;height:32px;border:0;border-radius:6px;" +
      "background:none;color:inherit;font:22px/1 system-ui,sans-serif;cursor:pointer}" +
      "button:hover{background:rgba(127,127,127,.2)}a:focus-visible,button:focus-visible{outline:3px solid #0969da;" +
      "outline-offset:2px}@media (prefers-color-scheme:dark){.b{background:#161b22;color:#e6edf3}a{color:#79c0ff}" +
      "a:focus-visible,button:focus-visible{outline-color:#79c0ff}}" +
      "@media (prefers-reduced-motion:no-preference){.b{animation:s .3s ease-out}}" +
      "@keyframes s{from{transform:translateY(1rem);opacity:0}}";
    box = el("div", "b" + (items.some(function (i) { return i.kind === "incident"; }) ? " i" : ""));
    items.forEach(function (i) {
      var p = el("p"), a = el("a", "", t.details);
      p.appendChild(el("strong", "", t[i.kind] + ": "));
      p.appendChild(d.createTextNode(i.title + " (" + i.status + ") "));
      a.href = i.url;
      a.target = "_blank";
      a.rel = "noopener";
      p.appendChild(a);
      box.appendChild(p);
    });
    var b = el("button", "", "\u00d7");
    b.type = "button";
    b.setAttribute("aria-label", t.dismiss);
    b.onclick = close;
    box.appendChild(b);
    box.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    root.appendChild(style);
    root.appendChild(box);
  }, 50);
})(document, window);
