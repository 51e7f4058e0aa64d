// The phone menu: a disclosure button folding the header panel. Without JavaScript the panel
// simply stays open (the "js" class is never set), so nothing is ever out of reach.
(function () {
  "use strict";
  function init() {
    var toggle = document.querySelector(".nav-toggle");
    var panel = document.getElementById("header-panel");
    if (!toggle || !panel) return;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      panel.classList.toggle("is-open", !open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.classList.contains("is-open")) {
        toggle.setAttribute("aria-expanded", "false");
        panel.classList.remove("is-open");
        toggle.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
