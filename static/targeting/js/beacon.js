/* The event beacon: batches what a consenting visitor does and sends it to the event API.
 * Nothing is queued or sent without analytics consent (the `consent` cookie), and nothing at
 * all when the browser sends Global Privacy Control or Do Not Track. See docs/tracking.md. */
(function () {
  "use strict";
  var body = document.body;
  var endpoint = body && body.getAttribute("data-tracking-endpoint");
  if (!endpoint || !window.JSON) { return; }

  var BATCH_SIZE = 20;        // events per request
  var FLUSH_EVERY_MS = 5000;  // and at the latest this often
  var VISIBLE_RATIO = 0.5;    // an impression: half the placement visible ...
  var VISIBLE_FOR_MS = 1000;  // ... for a second, once per page
  var queue = [];
  var pageViewSent = false;

  function optedOut() {
    return navigator.globalPrivacyControl === true ||
      navigator.doNotTrack === "1" || window.doNotTrack === "1";
  }

  function consented() {
    if (optedOut()) { return false; }
    var match = document.cookie.match(/(?:^|;\s*)consent=([^;]*)/);
    if (!match) { return false; }
    // Django quotes a value with commas and writes them as \054: "necessary\054analytics".
    var value = decodeURIComponent(match[1]).replace(/"/g, "").replace(/\\054/g, ",");
    return value.split(",").indexOf("analytics") !== -1;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = "";
    for (var i = 0; i < 16; i++) { hex += (bytes[i] + 256).toString(16).slice(1); }
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function clean(properties) {
    var out = {};
    Object.keys(properties).forEach(function (key) {
      var value = properties[key];
      if (value !== undefined && value !== null && value !== "") { out[key] = value; }
    });
    return out;
  }

  // The device class reports are broken down by (measurement); the same split as the server's
  // device provider: tablets first, then phones, everything else a desktop.
  var DEVICE = (function () {
    var agent = navigator.userAgent || "";
    if (/bot|crawl|spider/i.test(agent)) { return "bot"; }
    if (/iPad|Tablet|PlayBook|Silk|(Android(?!.*Mobile))/i.test(agent)) { return "tablet"; }
    if (/Mobi|iPhone|iPod|Android|HarmonyOS|Windows Phone/i.test(agent)) { return "mobile"; }
    return "desktop";
  })();

  function track(type, properties) {
    if (!consented()) { return; }
    queue.push({ id: uuid(), type: type, at: new Date().toISOString(), properties: clean(properties || {}) });
    if (queue.length >= BATCH_SIZE) { flush(); }
  }

  function send(batch) {
    var payload = JSON.stringify({ events: batch });
    // sendBeacon survives the page being closed; its text/plain body needs no CORS preflight.
    if (navigator.sendBeacon) {
      try { if (navigator.sendBeacon(endpoint, payload)) { return; } } catch { /* fall through */ }
    }
    if (window.fetch) {
      fetch(endpoint, {
        method: "POST", body: payload, keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "text/plain" }
      }).catch(function () { /* dropped: the next page will carry on */ });
    }
  }

  function flush() {
    if (!queue.length) { return; }
    if (!consented()) { queue = []; return; }  // consent withdrawn meanwhile: send nothing
    while (queue.length) { send(queue.splice(0, BATCH_SIZE)); }
  }

  function data(name) { return body.getAttribute("data-" + name) || ""; }

  function pageView() {
    if (pageViewSent || !consented()) { return; }
    pageViewSent = true;
    var tags = data("page-tags");
    track("page_view", {
      path: location.pathname,
      title: document.title.slice(0, 200),
      page_type: data("page-type").slice(0, 60),
      category: data("product-category").slice(0, 40),
      tags: tags ? tags.split(",").slice(0, 20) : undefined,
      referrer: document.referrer.slice(0, 500)
    });
    var query = data("search-query");
    if (query) {
      var results = parseInt(data("search-results"), 10);
      track("search", { query: query.slice(0, 100), results: isNaN(results) ? undefined : results });
    }
  }

  // Clicks on creatives and calls to action.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a, button") : null;
    if (!target) { return; }
    var slot = target.closest("[data-placement]");
    if (slot) {
      var owner = target.closest("[data-creative]") || slot;
      track("click", {
        kind: target.classList.contains("placement__cta") ? "cta" : "creative",
        placement: slot.getAttribute("data-placement"),
        campaign: owner.getAttribute("data-campaign"),
        creative: owner.getAttribute("data-creative"),
        segment: slot.getAttribute("data-segment"),
        device: DEVICE,
        target: (target.getAttribute("href") || "").slice(0, 500),
        label: (target.textContent || "").trim().slice(0, 200)
      });
    } else if (target.matches(".button--primary, [data-track-click]")) {
      track("click", {
        kind: "cta",
        target: (target.getAttribute("href") || "").slice(0, 500),
        label: (target.textContent || "").trim().slice(0, 200)
      });
    }
  }, true);

  // Product application forms: the first interaction and the submission.
  function trackedForm(node) {
    var form = node && node.closest ? node.closest("form") : null;
    return form && form.matches("form.apply-form:not(.tracking-form), form[data-track-form]") ? form : null;
  }
  var started = [];
  document.addEventListener("focusin", function (event) {
    var form = trackedForm(event.target);
    if (form && started.indexOf(form) === -1) {
      started.push(form);
      track("form_start", { form: form.getAttribute("data-track-form") || "apply", product: data("product") });
    }
  });
  document.addEventListener("submit", function (event) {
    var form = trackedForm(event.target);
    if (form) {
      track("form_submit", { form: form.getAttribute("data-track-form") || "apply", product: data("product") });
      flush();
    }
  });

  // Impressions actually seen: half a placement in view for a second, once per page.
  function observeImpressions() {
    if (!("IntersectionObserver" in window)) { return; }
    var timers = new Map();
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var slot = entry.target;
        if (entry.isIntersecting && entry.intersectionRatio >= VISIBLE_RATIO) {
          if (!timers.has(slot)) {
            timers.set(slot, setTimeout(function () {
              observer.unobserve(slot);
              track("impression", {
                placement: slot.getAttribute("data-placement"),
                campaign: slot.getAttribute("data-campaign"),
                creative: slot.getAttribute("data-creative"),
                segment: slot.getAttribute("data-segment"),
                device: DEVICE
              });
            }, VISIBLE_FOR_MS));
          }
        } else if (timers.has(slot)) {
          clearTimeout(timers.get(slot));
          timers.delete(slot);
        }
      });
    }, { threshold: [0, VISIBLE_RATIO, 1] });
    document.querySelectorAll("[data-placement]").forEach(function (slot) { observer.observe(slot); });
  }

  pageView();
  observeImpressions();
  // Consent given on this page (consent.js, no reload): count this page from now on.
  document.addEventListener("portal:consent", function () { pageView(); });
  setInterval(flush, FLUSH_EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flush(); }
  });
  window.addEventListener("pagehide", flush);
  window.portalBeacon = { track: track, flush: flush, pending: function () { return queue.length; } };
})();
