// Markdown preview without leaving the page. The form works without this script: its
// "Preview" button submits and the server renders the same sanitised preview.
(function () {
  "use strict";
  document.querySelectorAll("form[data-preview-url]").forEach(function (form) {
    var button = form.querySelector('button[name="preview"]');
    var section = form.querySelector(".preview");
    var target = form.querySelector("[data-preview-target]");
    var body = form.querySelector('textarea[name="body"]');
    if (!button || !section || !target || !body) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData();
      data.append("body", body.value);
      data.append("csrfmiddlewaretoken", form.querySelector('[name="csrfmiddlewaretoken"]').value);
      fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
        .then(function (json) {
          // The server returns HTML already sanitised to the community allow-list.
          target.innerHTML = json.html;
          section.hidden = false;
        })
        .catch(function () { form.requestSubmit(button); });
    });
  });
})();
