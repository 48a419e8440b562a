// newshub: small enhancements, the pages work without them.
// 1. Relative times ("3 h ago") are refreshed, so a static copy stays right.
// 2. On a static copy, the search page asks the live search API when there
//    is one, with its pages, and says so plainly when there is none.
// 3. The header's height is given to the stylesheet (--header-h), so what
//    focus scrolls to stops below it.
"use strict";
(function () {
  function ago(t, now) {
    var d = (now - t) / 1000;
    if (d < -60) return null;
    if (d < 60) return "just now";
    if (d < 3600) return Math.floor(d / 60) + " min ago";
    if (d < 86400) return Math.floor(d / 3600) + " h ago";
    if (d < 14 * 86400) return Math.floor(d / 86400) + " d ago";
    return null;
  }
  function refreshTimes() {
    var now = Date.now();
    document.querySelectorAll("time[data-ago]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("datetime"));
      if (isNaN(t)) return;
      var s = ago(t, now);
      if (s) el.textContent = s;
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function staticSearch(box) {
    var status = document.getElementById("search-status");
    var params = new URLSearchParams(location.search);
    var q = (params.get("q") || "").trim();
    if (!q) return;
    var base = box.getAttribute("data-base") || "./";
    var api = box.getAttribute("data-search-api") + "?" + params.toString();
    // The title says what the live page's does: the words and the page.
    var asked = Number(params.get("page")) || 1;
    document.title = "“" + q + "”" + (asked > 1 ? ", page " + asked : "") + " · " + document.title;
    status.textContent = "Searching…";
    fetch(api, { headers: { Accept: "application/json" } }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (type.indexOf("json") < 0) throw new Error("no search service");
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) {
        status.textContent = res.body.error || "This search could not be run.";
        status.className = "notice error";
        document.title = "Error: " + document.title;
        return;
      }
      var body = res.body;
      var page = body.page || 1;
      var size = Number(box.getAttribute("data-page-size")) || 20;
      var pages = Math.ceil((body.ranked || 0) / size);
      var num = function (n) { return n.toLocaleString("en-US"); };
      status.textContent = (body.capped ? "More than " + num(body.total) + " articles match" :
        body.total === 1 ? "1 article matches" : num(body.total) + " articles match") +
        (pages > 1 && page <= pages ? " · page " + page + " of " + pages : "");
      // What the live page says beside the count, in its words.
      if (body.capped || body.ranked < body.total) {
        box.appendChild(el("p", "sub", "Showing the best of the " + num(body.ranked) +
          " added most recently. Add words or choose a topic to narrow the search."));
      }
      var link = function (n, rel, text) {
        var p = new URLSearchParams(params);
        if (n > 1) p.set("page", String(n)); else p.delete("page");
        var a = el("a", null, text);
        if (rel) a.rel = rel;
        a.href = "?" + p.toString();
        return a;
      };
      var grid = el("div", "grid");
      body.value.forEach(function (it) {
        var card = el("article", "card");
        var b = el("div", "card-body");
        // Each text takes its own direction (dir="auto"), as the
        // server's pages give it: a title may be Arabic or Hebrew.
        var meta = el("p", "meta");
        var pub = el("span", "pub-name", it.provider.name);
        pub.dir = "auto";
        meta.appendChild(pub);
        var h = el("h3");
        h.dir = "auto";
        var a = el("a", null, it.title);
        a.href = base + it.sitePath;
        h.appendChild(a);
        b.appendChild(meta); b.appendChild(h);
        if (it.excerpt) {
          var ex = el("p", "excerpt", it.excerpt);
          ex.dir = "auto";
          b.appendChild(ex);
        }
        card.appendChild(b);
        grid.appendChild(card);
      });
      box.appendChild(el("h2", "vh", "Results"));
      box.appendChild(grid);
      if (!body.value.length && page > pages && pages > 0) {
        // A page past the results, from a link kept from before articles left.
        var end = el("p", "empty", "The results end on page " + pages + ": ");
        end.appendChild(link(pages, null, "go to page " + pages));
        end.appendChild(document.createTextNode("."));
        box.appendChild(end);
      } else if (!body.value.length) {
        box.appendChild(el("p", "empty", "Nothing matches. Try fewer or different words, or remove the filters."));
      }
      // Pages as the live site's search has them, by the page's own address.
      var prev = page > 1 && page <= pages + 1;
      if (prev || body.nextPage) {
        var nav = el("nav", "pager");
        nav.setAttribute("aria-label", "Pages");
        if (prev) nav.appendChild(link(page - 1, "prev", "← Previous"));
        if (body.nextPage) nav.appendChild(link(body.nextPage, "next", "Next →"));
        box.appendChild(nav);
      }
    }).catch(function () {
      status.textContent = "Search is not available in this static copy of the site: it needs the live server. Browse the topics instead.";
      status.className = "notice";
    });
  }

  function measureHeader() {
    var h = document.querySelector(".site-header");
    if (h) document.documentElement.style.setProperty("--header-h", h.offsetHeight + "px");
  }

  document.addEventListener("DOMContentLoaded", function () {
    measureHeader();
    window.addEventListener("resize", measureHeader);
    refreshTimes();
    setInterval(refreshTimes, 60000);
    var box = document.getElementById("search-results");
    if (box) staticSearch(box);
  });
})();
