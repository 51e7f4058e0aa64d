// Markdown preview without leaving the page. The form works without this script: its
// "Preview" button submits and the server renders the same sanitised preview.
(function () {
  "use strict";

  // Errors the server showed describe the text as it was sent. Once the writer has changed a
  // field and previews again, its error is stale: take it (and the form-wide errors) away, so
  // the screen no longer contradicts the preview. Unchanged fields keep their error.
  function clearStaleErrors(form, initial) {
    var summary = form.querySelector(".form-errors");
    if (summary) summary.parentNode.removeChild(summary);
    form.querySelectorAll(".field--error").forEach(function (field) {
      var input = field.querySelector("input, textarea, select");
      if (input && initial.get(input) === input.value) return;
      field.classList.remove("field--error");
      field.querySelectorAll(".field__error").forEach(function (error) {
        error.parentNode.removeChild(error);
      });
      if (input) {
        input.removeAttribute("aria-invalid");
        var described = (input.getAttribute("aria-describedby") || "")
          .split(" ")
          .filter(function (id) { return id && !/_error$/.test(id); })
          .join(" ");
        if (described) input.setAttribute("aria-describedby", described);
        else input.removeAttribute("aria-describedby");
      }
    });
  }

  document.querySelectorAll("form[data-preview-url]").forEach(function (form) {
    var button = form.querySelector('button[name="preview"]');
    var section = form.querySelector(".preview");
    var target = form.querySelector("[data-preview-target]");
    var body = form.querySelector('textarea[name="body"]');
    if (!button || !section || !target || !body) return;
    var initial = new Map();
    form.querySelectorAll("input, textarea, select").forEach(function (input) {
      initial.set(input, input.value);
    });
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
          clearStaleErrors(form, initial);
        })
        .catch(function () { form.requestSubmit(button); });
    });
  });
})();
