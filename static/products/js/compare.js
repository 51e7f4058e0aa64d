// Progressive enhancement for "add to comparison": the GET form works without this script;
// it only stops a customer from ticking more than four products and says how many are ticked.
(function () {
    "use strict";
    var MAX = 4;
    document.querySelectorAll("[data-compare-form]").forEach(function (form) {
        var boxes = document.querySelectorAll('[data-compare-checkbox][form="' + form.id + '"]');
        var status = form.querySelector("[data-compare-status]");
        var button = form.querySelector("button");
        var hint = status ? status.textContent : "";
        function update() {
            var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; });
            boxes.forEach(function (box) { box.disabled = !box.checked && ticked.length >= MAX; });
            if (button) { button.disabled = ticked.length < 2; }
            if (status) {
                status.textContent = ticked.length ? ticked.length + " / " + MAX : hint;
            }
        }
        boxes.forEach(function (box) { box.addEventListener("change", update); });
        update();
    });
})();
