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

// The account menu is a native <details> disclosure (works without this script); here it also
// closes with Escape (focus back on its toggle) and when the visitor clicks or tabs elsewhere.
(function () {
  "use strict";
  function init() {
    var menu = document.querySelector("[data-account-menu]");
    if (!menu) return;
    var toggle = menu.querySelector("summary");
    function close(refocus) {
      if (!menu.open) return;
      menu.open = false;
      if (refocus && toggle) toggle.focus();
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) close(true);
    });
    document.addEventListener("click", function (event) {
      if (!menu.contains(event.target)) close(false);
    });
    menu.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !menu.contains(event.relatedTarget)) close(false);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
