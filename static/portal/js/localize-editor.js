// wagtail-localize 1.14's translation editor writes two texts in English without gettext: the
// heading "简体中文 to English translation" and its menu button's hidden "More actions". Put them
// into the editor's language through the admin's JavaScript catalogue (issue 12, editor's walk);
// where the catalogue has no translation the text stays as it is.
(() => {
  "use strict";
  const translate = window.gettext || ((text) => text);
  const HEADING = "%(source)s to %(target)s translation";
  const headingPattern = /^(.+) to (.+) translation$/;

  const fix = (root) => {
    root.querySelectorAll("*").forEach((element) => {
      if (element.childElementCount !== 0) {
        return;
      }
      const text = element.textContent;
      if (text === "More actions") {
        const said = translate(text);
        if (said !== text) {
          element.textContent = said;
        }
        return;
      }
      const match = headingPattern.exec(text);
      const format = translate(HEADING);
      if (match && format !== HEADING) {
        element.textContent = format
          .replace("%(source)s", match[1])
          .replace("%(target)s", match[2]);
      }
    });
  };

  const start = () => {
    const editor = document.querySelector(".js-translation-editor");
    if (!editor) {
      return;
    }
    fix(editor);
    new MutationObserver(() => fix(editor)).observe(editor, { childList: true, subtree: true });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
