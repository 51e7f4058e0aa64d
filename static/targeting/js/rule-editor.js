/* Structured editor for a segment's rule (see docs/targeting.md, "Rule language").
 *
 * The textarea inside the widget is the real form field: every change in the builder writes the
 * rule's JSON into it and the server validates it. Framework-free on purpose.
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  var uid = 0;
  function nextId(prefix) {
    uid += 1;
    return prefix + "-" + uid;
  }

  function kindOf(node) {
    if (!node || typeof node !== "object" || Array.isArray(node)) return "unknown";
    if (Array.isArray(node.all)) return "all";
    if (Array.isArray(node.any)) return "any";
    if ("not" in node) return "not";
    if ("segment" in node) return "segment";
    if ("attr" in node) return "condition";
    return "unknown";
  }

  function RuleEditor(root) {
    this.root = root;
    this.textarea = root.querySelector("textarea");
    this.builder = root.querySelector("[data-rule-builder]");
    this.jsonWrap = root.querySelector("[data-rule-json-wrap]");
    this.toggle = root.querySelector("[data-rule-json-toggle]");
    var data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
    this.catalogue = data.catalogue;
    this.segments = data.segments;
    this.labels = data.labels;
    this.attrs = {};
    var self = this;
    this.catalogue.attributes.forEach(function (a) {
      self.attrs[a.name] = a;
    });
    this.rule = this.parse(this.textarea.value);
    if (!this.rule) this.rule = { all: [] };
    this.jsonWrap.hidden = true;
    this.bind();
    this.render();
  }

  RuleEditor.prototype.t = function (key) {
    return this.labels[key] || key;
  };

  RuleEditor.prototype.parse = function (text) {
    try {
      var value = JSON.parse(text || "{}");
      if (value && typeof value === "object" && !Array.isArray(value)) {
        return Object.keys(value).length ? value : { all: [] };
      }
    } catch {
      return null;
    }
    return null;
  };

  RuleEditor.prototype.bind = function () {
    var self = this;
    this.toggle.addEventListener("click", function () {
      var show = self.jsonWrap.hidden;
      self.jsonWrap.hidden = !show;
      self.toggle.setAttribute("aria-expanded", show ? "true" : "false");
      self.toggle.textContent = self.t(show ? "hide_json" : "show_json");
    });
    this.textarea.addEventListener("change", function () {
      var parsed = self.parse(self.textarea.value);
      if (parsed) {
        self.rule = parsed;
        self.render(true);
      } else {
        self.builder.setAttribute("data-error", self.t("bad_json"));
      }
    });
    var estimate = this.root.querySelector("[data-rule-estimate]");
    if (estimate) estimate.addEventListener("click", function () { self.estimate(); });
  };

  RuleEditor.prototype.sync = function () {
    this.textarea.value = JSON.stringify(this.rule, null, 2);
    // The estimate follows the rule as it changes (issue 14 item 7), once typing pauses.
    var self = this;
    if (this.root.querySelector("[data-rule-estimate]") && this.root.getAttribute("data-estimate-url")) {
      clearTimeout(this.estimateTimer);
      this.estimateTimer = setTimeout(function () { self.estimate(); }, 800);
    }
  };

  RuleEditor.prototype.render = function (keepText) {
    this.builder.removeAttribute("data-error");
    this.builder.textContent = "";
    var self = this;
    this.builder.appendChild(
      this.renderNode(this.rule, function (replacement) {
        self.rule = replacement || { all: [] };
        self.render();
      }, null)
    );
    if (!keepText) this.sync();
  };

  /* Render any node; `replace(newNode)` swaps it in its parent, `remove` drops it (or null). */
  RuleEditor.prototype.renderNode = function (node, replace, remove) {
    var kind = kindOf(node);
    if (kind === "all" || kind === "any") return this.renderGroup(node, kind, replace, remove);
    if (kind === "not") return this.renderNot(node, replace, remove);
    if (kind === "segment") return this.renderSegment(node, remove);
    if (kind === "condition") return this.renderCondition(node, remove);
    var raw = el("div", { className: "rule-editor__node rule-editor__node--raw" }, [
      el("code", { text: JSON.stringify(node) }),
    ]);
    if (remove) raw.appendChild(this.removeButton(remove));
    return raw;
  };

  RuleEditor.prototype.removeButton = function (remove) {
    var button = el("button", {
      type: "button",
      className: "button button-small button-secondary no rule-editor__remove",
      text: this.t("remove"),
    });
    button.addEventListener("click", remove);
    return button;
  };

  RuleEditor.prototype.renderGroup = function (node, kind, replace, remove) {
    var self = this;
    var id = nextId("rule-group");
    var select = el("select", { id: id, "aria-label": this.t("all") + " / " + this.t("any") }, [
      el("option", { value: "all", text: this.t("all") }),
      el("option", { value: "any", text: this.t("any") }),
    ]);
    select.value = kind;
    select.addEventListener("change", function () {
      var children = node[kind];
      var replacement = {};
      replacement[select.value] = children;
      replace(replacement);
    });
    var header = el("div", { className: "rule-editor__group-header" }, [select]);
    if (remove) header.appendChild(this.removeButton(remove));
    var list = el("ul", { className: "rule-editor__children" });
    var children = node[kind];
    if (!children.length) {
      list.appendChild(el("li", { className: "rule-editor__empty help", text: this.t("empty") }));
    }
    children.forEach(function (child, index) {
      var li = el("li", { className: "rule-editor__child" });
      li.appendChild(
        self.renderNode(
          child,
          function (replacement) {
            children[index] = replacement;
            self.render();
          },
          function () {
            children.splice(index, 1);
            self.render();
          }
        )
      );
      list.appendChild(li);
    });
    var adders = el("div", { className: "rule-editor__adders" });
    var first = this.catalogue.attributes[0];
    [
      ["add_condition", function () { return { attr: first.name, op: first.operators[0], value: self.defaultValue(first, first.operators[0]) }; }],
      ["add_group", function () { return { any: [] }; }],
      ["add_not", function () { return { not: { all: [] } }; }],
      ["add_segment", function () { return { segment: self.segments[0] || "" }; }],
    ].forEach(function (pair) {
      var button = el("button", { type: "button", className: "button button-small button-secondary", text: "+ " + self.t(pair[0]) });
      button.addEventListener("click", function () {
        children.push(pair[1]());
        self.render();
      });
      adders.appendChild(button);
    });
    return el("fieldset", { className: "rule-editor__node rule-editor__group" }, [
      el("legend", { className: "w-sr-only", text: this.t(kind) }),
      header,
      list,
      adders,
    ]);
  };

  RuleEditor.prototype.renderNot = function (node, replace, remove) {
    var self = this;
    var header = el("div", { className: "rule-editor__group-header" }, [
      el("strong", { className: "rule-editor__not", text: this.t("not") }),
    ]);
    if (remove) header.appendChild(this.removeButton(remove));
    var inner = this.renderNode(
      node.not,
      function (replacement) {
        node.not = replacement;
        self.render();
      },
      function () {
        node.not = { all: [] };
        self.render();
      }
    );
    return el("div", { className: "rule-editor__node rule-editor__notnode" }, [header, inner]);
  };

  RuleEditor.prototype.renderSegment = function (node, remove) {
    var self = this;
    var id = nextId("rule-seg");
    var select = el("select", { id: id });
    var slugs = this.segments.slice();
    if (node.segment && slugs.indexOf(node.segment) < 0) slugs.unshift(node.segment);
    slugs.forEach(function (slug) {
      select.appendChild(el("option", { value: slug, text: slug }));
    });
    select.value = node.segment;
    select.addEventListener("change", function () {
      node.segment = select.value;
      self.sync();
    });
    var row = el("div", { className: "rule-editor__node rule-editor__condition" }, [
      el("label", { for: id, text: this.t("segment") }),
      select,
    ]);
    if (remove) row.appendChild(this.removeButton(remove));
    return row;
  };

  RuleEditor.prototype.defaultValue = function (attr, op) {
    if (op === "exists") return true;
    if (op === "between") return attr.type === "date" ? ["", ""] : [0, 0];
    if (op === "in" || op === "not_in") return [];
    if (attr.type === "bool") return true;
    if (attr.type === "int") return attr.choices ? attr.choices[0] : 0;
    if (attr.choices) return attr.choices[0];
    return "";
  };

  RuleEditor.prototype.renderCondition = function (node, remove) {
    var self = this;
    var attr = this.attrs[node.attr];
    var attrId = nextId("rule-attr");
    var attrSelect = el("select", { id: attrId, "aria-label": this.t("attribute") });
    this.catalogue.families.forEach(function (family) {
      var group = el("optgroup", { label: (self.catalogue.family_labels || {})[family] || family });
      self.catalogue.attributes.forEach(function (a) {
        if (a.family === family) group.appendChild(el("option", { value: a.name, text: a.label + " (" + a.name + ")" }));
      });
      attrSelect.appendChild(group);
    });
    if (!attr) {
      attrSelect.insertBefore(el("option", { value: node.attr, text: node.attr }), attrSelect.firstChild);
    }
    attrSelect.value = node.attr;
    attrSelect.addEventListener("change", function () {
      var a = self.attrs[attrSelect.value];
      node.attr = a.name;
      // A keyed attribute (a URL parameter, a page path) names its key; others take none. The
      // key of another family means nothing here (a parameter name is no page path): start empty.
      if (a.keyed) node.key = "";
      else delete node.key;
      if (a.operators.indexOf(node.op) < 0) node.op = a.operators[0];
      node.value = self.defaultValue(a, node.op);
      self.render();
    });

    var opSelect = el("select", { "aria-label": this.t("operator") });
    var ops = attr ? attr.operators : [node.op];
    ops.forEach(function (op) {
      opSelect.appendChild(el("option", { value: op, text: self.catalogue.operator_labels[op] || op }));
    });
    opSelect.value = node.op;
    opSelect.addEventListener("change", function () {
      node.op = opSelect.value;
      node.value = self.defaultValue(attr, node.op);
      self.render();
    });

    var keyParts = [];
    if (attr && attr.keyed) {
      var keyId = nextId("rule-key");
      var keyInput = el("input", {
        id: keyId,
        type: "text",
        className: "rule-editor__key",
        placeholder: attr.key_label,
        value: typeof node.key === "string" ? node.key : "",
      });
      keyInput.addEventListener("input", function () {
        node.key = keyInput.value;
        self.sync();
      });
      // A visible label: once filled, the placeholder no longer says what the box is.
      keyParts = [el("span", { className: "rule-editor__keybox" }, [
        el("label", { for: keyId, className: "rule-editor__key-label", text: attr.key_label }),
        keyInput,
      ])];
    }
    var row = el("div", { className: "rule-editor__node rule-editor__condition" }, [
      el("label", { for: attrId, className: "w-sr-only", text: this.t("attribute") }),
      attrSelect,
    ].concat(keyParts, [
      opSelect,
      attr ? this.valueInput(node, attr) : el("code", { text: JSON.stringify(node.value) }),
    ]));
    if (attr && attr.description) row.appendChild(el("span", { className: "help rule-editor__desc", text: attr.description }));
    if (remove) row.appendChild(this.removeButton(remove));
    return row;
  };

  RuleEditor.prototype.scalarInput = function (attr, value, onValue, label) {
    var self = this;
    var input;
    if (attr.choices) {
      input = el("select", { "aria-label": label });
      var names = (self.catalogue.choice_labels || {})[attr.name] || {};
      attr.choices.forEach(function (choice) {
        var name = names[String(choice)];
        var text = name && name !== String(choice) ? name + " (" + choice + ")" : String(choice);
        input.appendChild(el("option", { value: String(choice), text: text }));
      });
      input.value = String(value);
    } else if (attr.suggestions) {
      // A picker of the values real traffic has (China's provinces by ISO code, its cities by
      // Chinese name); a value outside it (another country's region) stays, shown as it is.
      input = el("select", { "aria-label": label });
      var labels = (self.catalogue.choice_labels || {})[attr.name] || {};
      var known = false;
      input.appendChild(el("option", { value: "", text: self.t("choose") }));
      attr.suggestions.forEach(function (group) {
        var parent = group[0] ? el("optgroup", { label: group[0] }) : input;
        group[1].forEach(function (choice) {
          var name = labels[choice];
          if (choice === value) known = true;
          parent.appendChild(el("option", { value: choice, text: name ? name + " (" + choice + ")" : choice }));
        });
        if (parent !== input) input.appendChild(parent);
      });
      if (value && !known) input.insertBefore(el("option", { value: value, text: value }), input.firstChild);
      input.value = value === null || value === undefined ? "" : String(value);
    } else if (attr.type === "int") {
      input = el("input", { type: "number", step: "1", "aria-label": label });
      input.value = value === "" || value === null || value === undefined ? "" : String(value);
    } else if (attr.type === "date") {
      input = el("input", { type: "date", "aria-label": label });
      input.value = value || "";
    } else {
      input = el("input", { type: "text", "aria-label": label });
      input.value = value === null || value === undefined ? "" : String(value);
    }
    input.addEventListener("change", function () {
      var raw = input.value;
      if (attr.type === "int") {
        var number = Number(raw);
        onValue(raw === "" || isNaN(number) ? raw : number);
      } else {
        onValue(raw);
      }
      self.sync();
    });
    return input;
  };

  RuleEditor.prototype.valueInput = function (node, attr) {
    var self = this;
    var label = this.t("value");
    if (node.op === "exists" || (attr.type === "bool" && (node.op === "eq" || node.op === "ne"))) {
      var id = nextId("rule-bool");
      var box = el("input", { type: "checkbox", id: id });
      box.checked = node.value !== false;
      box.addEventListener("change", function () {
        node.value = box.checked;
        self.sync();
      });
      return el("span", { className: "rule-editor__value" }, [box, el("label", { for: id, text: this.t("yes") })]);
    }
    if (node.op === "between") {
      if (!Array.isArray(node.value)) node.value = this.defaultValue(attr, "between");
      return el("span", { className: "rule-editor__value" }, [
        this.scalarInput(attr, node.value[0], function (v) { node.value[0] = v; }, this.t("from")),
        el("span", { text: "–" }),
        this.scalarInput(attr, node.value[1], function (v) { node.value[1] = v; }, this.t("to")),
      ]);
    }
    if ((node.op === "in" || node.op === "not_in") && (attr.choices || attr.suggestions)) {
      return this.listPicker(node, attr, label);
    }
    if (node.op === "in" || node.op === "not_in") {
      var tags = el("input", { type: "text", "aria-label": label, placeholder: this.t("list_hint") });
      tags.value = Array.isArray(node.value) ? node.value.join(", ") : "";
      if (attr.choices) tags.setAttribute("title", attr.choices.join(", "));
      tags.addEventListener("change", function () {
        node.value = tags.value
          .split(/[,，]/)
          .map(function (s) { return s.trim(); })
          .filter(function (s) { return s.length; })
          .map(function (s) { return attr.type === "int" && !isNaN(Number(s)) ? Number(s) : s; });
        self.sync();
      });
      return el("span", { className: "rule-editor__value" }, [tags]);
    }
    // A list attribute's "contains" takes one member; every other operator one scalar.
    var scalarAttr = attr.type === "list" ? { type: "str", choices: null } : attr;
    if (node.op === "matches" || node.op === "startswith" || node.op === "contains") scalarAttr = { type: "str", choices: null };
    return el("span", { className: "rule-editor__value" }, [
      this.scalarInput(scalarAttr, node.value, function (v) { node.value = v; }, label),
    ]);
  };

  /* "is one of" on a fixed vocabulary: the same named options as the single picker, ticked
   * (a short list) or chosen in a multiple select (provinces, cities), so a marketer never has to
   * type the codes a rule stores. A stored value outside the vocabulary stays, shown as it is. */
  RuleEditor.prototype.listPicker = function (node, attr, label) {
    var self = this;
    if (!Array.isArray(node.value)) node.value = [];
    var names = (this.catalogue.choice_labels || {})[attr.name] || {};
    var groups = attr.suggestions || [[null, attr.choices]];
    var all = [];
    groups.forEach(function (group) { all = all.concat(group[1]); });
    var chosen = node.value.map(String);
    var extra = chosen.filter(function (v) { return all.map(String).indexOf(v) < 0; });
    function text(choice) {
      var name = names[String(choice)];
      return name && name !== String(choice) ? name + " (" + choice + ")" : String(choice);
    }
    function store(values) {
      node.value = values.map(function (v) {
        return attr.type === "int" && !isNaN(Number(v)) ? Number(v) : v;
      });
      self.sync();
    }
    if (!attr.suggestions && all.length <= 12) {
      var boxes = el("span", { className: "rule-editor__value rule-editor__choices", role: "group", "aria-label": label });
      all.concat(extra).forEach(function (choice) {
        var id = nextId("rule-choice");
        var box = el("input", { type: "checkbox", id: id, value: String(choice) });
        box.checked = chosen.indexOf(String(choice)) >= 0;
        box.addEventListener("change", function () {
          store(Array.prototype.filter.call(boxes.querySelectorAll("input"), function (b) { return b.checked; })
            .map(function (b) { return b.value; }));
        });
        boxes.appendChild(el("label", { for: id, className: "rule-editor__choice" }, [box, document.createTextNode(" " + text(choice))]));
      });
      return boxes;
    }
    var select = el("select", { multiple: "multiple", size: "8", "aria-label": label, className: "rule-editor__multi" });
    extra.forEach(function (v) { select.appendChild(el("option", { value: v, text: v })); });
    groups.forEach(function (group) {
      var parent = group[0] ? el("optgroup", { label: group[0] }) : select;
      group[1].forEach(function (choice) { parent.appendChild(el("option", { value: String(choice), text: text(choice) })); });
      if (parent !== select) select.appendChild(parent);
    });
    Array.prototype.forEach.call(select.options, function (option) {
      option.selected = chosen.indexOf(option.value) >= 0;
    });
    select.addEventListener("change", function () {
      store(Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; }));
    });
    return el("span", { className: "rule-editor__value" }, [
      select,
      el("span", { className: "help rule-editor__multi-hint", text: this.t("multi_hint") }),
    ]);
  };

  RuleEditor.prototype.estimate = function () {
    var self = this;
    var out = this.root.querySelector("[data-rule-estimate-result]");
    var url = this.root.getAttribute("data-estimate-url");
    var form = this.root.closest("form");
    var token = form ? form.querySelector("[name=csrfmiddlewaretoken]") : null;
    // A new audience has no condition yet: nothing to estimate (the server would refuse it).
    if (kindOf(this.rule) === "all" && !this.rule.all.length) {
      out.textContent = this.t("estimate_empty");
      return;
    }
    out.textContent = this.t("estimating");
    var body = new FormData();
    body.append("rule", this.textarea.value);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) throw new Error(result.data.error || "HTTP error");
        var d = result.data;
        var text = d.total
          ? self.t("estimate")
              .replace("{matched}", d.matched)
              .replace("{total}", d.total)
              .replace("{sampled}", d.sampled)
          : self.t("estimate_no_profiles");
        // Rules on source, location, time or device: the recent request contexts (issue 14).
        // A sample younger than a day is told in hours ("0 days" reads as nothing sampled).
        var recent = d.recent
          ? self.t(d.recent.days < 1 ? "estimate_recent_hours" : "estimate_recent")
              .replace("{percent}", d.recent.percent)
              .replace("{sampled}", d.recent.sampled)
              .replace("{days}", d.recent.days)
              .replace("{hours}", Math.max(1, d.recent.hours || 0))
          : self.t("estimate_no_recent");
        out.textContent = text + " " + recent;
      })
      .catch(function (error) {
        out.textContent = self.t("estimate_failed").replace("{error}", error.message);
      });
  };

  function init() {
    document.querySelectorAll("[data-rule-editor]").forEach(function (root) {
      if (root.getAttribute("data-ready")) return;
      root.setAttribute("data-ready", "1");
      try {
        new RuleEditor(root);
      } catch (e) {
        // Leave the plain JSON textarea usable when the builder cannot start.
        var wrap = root.querySelector("[data-rule-json-wrap]");
        if (wrap) wrap.hidden = false;
        if (window.console) window.console.error(e);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
