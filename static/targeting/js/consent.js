/* The consent banner and cookie settings without a reload. Without JavaScript the same forms
 * post to the consent view, which sets the cookie and redirects back. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-consent-form]") || !window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) { data.set(submitter.name, submitter.value); }
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("consent not saved"); }
      return response.json();
    }).then(function (result) {
      var banner = form.closest("[data-consent-banner]");
      if (banner) {
        banner.parentNode.removeChild(banner);
        var main = document.getElementById("main");
        if (main) { main.focus({ preventScroll: true }); }
      }
      var status = form.querySelector("[data-consent-status]");
      if (status) { status.textContent = status.getAttribute("data-saved") || "✓"; }
      document.dispatchEvent(new CustomEvent("portal:consent", { detail: result }));
    }).catch(function () {
      // Fall back to the plain form post (keeps the button's choice).
      if (submitter && submitter.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
        form.appendChild(hidden);
      }
      form.submit();
    });
  });
})();
