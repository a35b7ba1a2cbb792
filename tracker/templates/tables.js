/* tracker report: search, sort, filter and download the report's tables, from file:// with no network.
 *
 * Progressive enhancement: every table is complete HTML without this script. A table opts in
 * by sitting in <div class="dt" data-table="ID">; its <th data-key data-type> become sort
 * buttons, its rows' data-f-NAME (one value) and data-fm-NAME (a JSON array) attributes become
 * filters listed in the wrapper's data-filters="NAME=Label;...", and data-date gives the date
 * the "from"/"to" inputs compare. Cells may carry data-v, the exact value to sort and export.
 * State lives in the URL hash as ID.q, ID.NAME, ID.from, ID.to, ID.sort and ID.dir, so a
 * filtered view can be shared; a hash without "=" is an ordinary anchor and is left alone.
 * Scraped text only ever goes through textContent and value: never into HTML.
 */
(function () {
  "use strict";

  var PAGE = 100; // rows shown before "show all": long tables stay short until asked
  var tables = [];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clean(text) { return text.replace(/\s+/g, " ").trim(); }

  function hashParams() {
    var raw = location.hash.replace(/^#/, "");
    return raw.indexOf("=") < 0 ? new URLSearchParams() : new URLSearchParams(raw);
  }

  function parseFilters(spec) {
    return (spec || "").split(";").filter(Boolean).map(function (part) {
      var eq = part.indexOf("=");
      return { name: part.slice(0, eq), label: part.slice(eq + 1) };
    });
  }

  function cellValue(td, type) {
    var raw = td.hasAttribute("data-v") ? td.getAttribute("data-v") : clean(td.textContent);
    if (type === "num") {
      var n = parseFloat(raw.replace(/[^0-9.+-]/g, ""));
      return raw === "" || raw === "—" || isNaN(n) ? null : n;
    }
    return raw;
  }

  function Table(box) {
    this.box = box;
    this.id = box.getAttribute("data-table");
    this.label = box.getAttribute("data-label") || this.id;
    this.table = box.querySelector("table");
    this.body = this.table.tBodies[0];
    this.heads = Array.prototype.slice.call(this.table.tHead.rows[0].cells);
    this.filters = parseFilters(box.getAttribute("data-filters"));
    this.hasDates = box.hasAttribute("data-dates");
    this.rows = Array.prototype.slice.call(this.body.rows).map(function (tr, i) {
      var values = {};
      Array.prototype.forEach.call(tr.attributes, function (a) {
        if (a.name.indexOf("data-fm-") === 0) values[a.name.slice(8)] = JSON.parse(a.value);
        else if (a.name.indexOf("data-f-") === 0) values[a.name.slice(7)] = [a.value];
      });
      return { tr: tr, order: i, text: clean(tr.textContent).toLowerCase(), values: values,
               date: tr.getAttribute("data-date") || "" };
    });
    this.state = { q: "", sort: "", dir: "asc", from: "", to: "", all: false, f: {} };
    this.build();
  }

  Table.prototype.build = function () {
    var self = this;
    var bar = el("div", { "class": "dt-bar", role: "search" });
    var search = el("input", { type: "search", placeholder: "Search " + this.label, "aria-label": "Search " + this.label });
    search.addEventListener("input", function () { self.state.q = search.value; self.update(true); });
    bar.appendChild(search);
    this.inputs = { q: search, f: {} };
    // On a phone the filters fold away behind one button (report.css shows it only on narrow screens).
    var toggle = el("button", { type: "button", "class": "dt-filter-toggle", "aria-expanded": "false" }, "Filters");
    var set = el("div", { "class": "dt-filter-set" });
    toggle.addEventListener("click", function () {
      var open = set.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    this.filters.forEach(function (f) {
      var seen = {};
      self.rows.forEach(function (r) { (r.values[f.name] || []).forEach(function (v) { if (v) seen[v] = true; }); });
      var options = Object.keys(seen).sort(function (a, b) { return a.localeCompare(b); });
      if (options.length < 2) return; // a filter with one choice filters nothing
      var select = el("select", { "aria-label": f.label, "data-filter": f.name });
      select.appendChild(el("option", { value: "" }, f.label + ": all"));
      options.forEach(function (v) { select.appendChild(el("option", { value: v }, v)); });
      select.addEventListener("change", function () { self.state.f[f.name] = select.value; self.update(true); });
      self.inputs.f[f.name] = select;
      set.appendChild(select);
    });
    if (this.hasDates) {
      ["from", "to"].forEach(function (end) {
        var label = el("label", { "class": "dt-date" }, end === "from" ? "From " : "to ");
        var input = el("input", { type: "date", "aria-label": (end === "from" ? "From" : "To") + " date" });
        input.addEventListener("change", function () { self.state[end] = input.value; self.update(true); });
        label.appendChild(input);
        self.inputs[end] = input;
        set.appendChild(label);
      });
    }
    if (set.childNodes.length) { bar.appendChild(toggle); bar.appendChild(set); }
    var reset = el("button", { type: "button", "class": "dt-reset" }, "Reset");
    reset.addEventListener("click", function () { self.setState({}); self.update(true); });
    bar.appendChild(reset);
    this.count = el("span", { "class": "dt-count", "aria-live": "polite" });
    bar.appendChild(this.count);
    var dl = el("span", { "class": "dt-dl" }, "Download shown: ");
    ["csv", "json"].forEach(function (fmt) {
      var b = el("button", { type: "button", "data-download": fmt }, fmt.toUpperCase());
      b.addEventListener("click", function () { self.download(fmt); });
      dl.appendChild(b);
    });
    bar.appendChild(dl);
    this.box.insertBefore(bar, this.box.firstChild);
    this.more = el("button", { type: "button", "class": "dt-more", hidden: "" });
    this.more.addEventListener("click", function () { self.state.all = true; self.update(false); });
    this.box.appendChild(this.more);
    this.heads.forEach(function (th, i) {
      var key = th.getAttribute("data-key");
      if (!key) return;
      var button = el("button", { type: "button", "class": "dt-sort" });
      while (th.firstChild) button.appendChild(th.firstChild);
      button.addEventListener("click", function () {
        var dir = self.state.sort === key && self.state.dir === "asc" ? "desc" : "asc";
        if (self.state.sort !== key && th.getAttribute("data-type") === "num") dir = "desc";
        self.state.sort = key; self.state.dir = dir;
        self.update(true);
      });
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      th.dtIndex = i;
    });
  };

  Table.prototype.setState = function (s) {
    var self = this;
    this.state = { q: s.q || "", sort: s.sort || "", dir: s.dir === "desc" ? "desc" : "asc",
                   from: s.from || "", to: s.to || "", all: false, f: {} };
    this.inputs.q.value = this.state.q;
    Object.keys(this.inputs.f).forEach(function (name) {
      var select = self.inputs.f[name], wanted = (s.f || {})[name] || "";
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; });
      select.value = known ? wanted : "";
      self.state.f[name] = select.value;
    });
    if (this.hasDates) { this.inputs.from.value = this.state.from; this.inputs.to.value = this.state.to; }
  };

  Table.prototype.fromHash = function (params) {
    var id = this.id, s = { f: {} };
    params.forEach(function (value, key) {
      if (key.indexOf(id + ".") !== 0) return;
      var name = key.slice(id.length + 1);
      if (["q", "sort", "dir", "from", "to"].indexOf(name) >= 0) s[name] = value; else s.f[name] = value;
    });
    this.setState(s);
  };

  Table.prototype.toHash = function (params) {
    var id = this.id, s = this.state;
    ["q", "from", "to"].forEach(function (k) { if (s[k]) params.set(id + "." + k, s[k]); });
    if (s.sort) { params.set(id + ".sort", s.sort); params.set(id + ".dir", s.dir); }
    Object.keys(s.f).forEach(function (k) { if (s.f[k]) params.set(id + "." + k, s.f[k]); });
  };

  Table.prototype.matches = function (r) {
    var s = this.state, words = s.q.toLowerCase().split(/\s+/).filter(Boolean);
    for (var i = 0; i < words.length; i++) if (r.text.indexOf(words[i]) < 0) return false;
    for (var name in s.f) {
      if (s.f[name] && (r.values[name] || []).indexOf(s.f[name]) < 0) return false;
    }
    if (s.from && (!r.date || r.date < s.from)) return false;
    if (s.to && (!r.date || r.date > s.to)) return false;
    return true;
  };

  Table.prototype.sorted = function () {
    var s = this.state, head = null;
    this.heads.forEach(function (th) { if (th.getAttribute("data-key") === s.sort) head = th; });
    var rows = this.rows.slice();
    if (!head) return rows;
    var i = head.dtIndex, type = head.getAttribute("data-type") || "text", sign = s.dir === "desc" ? -1 : 1;
    rows.forEach(function (r) { r.key = cellValue(r.tr.cells[i], type); });
    rows.sort(function (a, b) {
      if (a.key === null || a.key === "") return b.key === null || b.key === "" ? a.order - b.order : 1;
      if (b.key === null || b.key === "") return -1; // missing values last, whichever the direction
      var c = type === "num" ? a.key - b.key : String(a.key).localeCompare(String(b.key), undefined, { numeric: true });
      return c ? sign * c : a.order - b.order;
    });
    return rows;
  };

  Table.prototype.update = function (save) {
    var self = this, s = this.state, shown = 0;
    var rows = this.sorted();
    this.visible = rows.filter(function (r) { return self.matches(r); });
    var limit = s.all ? Infinity : PAGE;
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r.tr); r.tr.hidden = true; });
    this.visible.forEach(function (r) { if (shown < limit) { r.tr.hidden = false; shown++; } });
    this.body.appendChild(frag);
    this.heads.forEach(function (th) {
      if (!th.hasAttribute("data-key")) return;
      var on = th.getAttribute("data-key") === s.sort;
      th.setAttribute("aria-sort", on ? (s.dir === "desc" ? "descending" : "ascending") : "none");
    });
    var total = this.rows.length, match = this.visible.length;
    this.count.textContent = (match === total ? total + " rows" : match + " of " + total + " rows match") +
      (shown < match ? "; showing " + shown : "");
    this.more.hidden = shown >= match;
    this.more.textContent = "Show all " + match + " rows";
    this.box.classList.toggle("dt-empty", match === 0);
    if (save) saveHash();
  };

  Table.prototype.records = function () {
    var heads = this.heads.map(function (th) {
      return { key: th.getAttribute("data-key") || clean(th.textContent).toLowerCase().replace(/\W+/g, "_"),
               type: th.getAttribute("data-type") || "text" };
    });
    return this.visible.map(function (r) {
      var rec = {};
      heads.forEach(function (h, i) { if (r.tr.cells[i]) rec[h.key] = cellValue(r.tr.cells[i], h.type); });
      return rec;
    });
  };

  function csvField(value, type) {
    if (value === null || value === undefined) return "";
    var text = String(value);
    if (type !== "num" && /^[=+\-@\t\r]/.test(text)) text = "'" + text; // never a formula in a spreadsheet
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  Table.prototype.download = function (fmt) {
    var recs = this.records(), body, type;
    if (fmt === "json") {
      body = JSON.stringify(recs, null, 2) + "\n"; type = "application/json";
    } else {
      var heads = this.heads.map(function (th) {
        return { key: th.getAttribute("data-key") || clean(th.textContent).toLowerCase().replace(/\W+/g, "_"),
                 type: th.getAttribute("data-type") || "text" };
      });
      var lines = [heads.map(function (h) { return csvField(h.key, "text"); }).join(",")];
      recs.forEach(function (rec) {
        lines.push(heads.map(function (h) { return csvField(rec[h.key], h.type); }).join(","));
      });
      body = lines.join("\r\n") + "\r\n"; type = "text/csv";
    }
    var url = URL.createObjectURL(new Blob([body], { type: type + ";charset=utf-8" }));
    var a = el("a", { href: url, download: this.id + "." + fmt });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 0);
  };

  function saveHash() {
    var params = new URLSearchParams();
    tables.forEach(function (t) { t.toHash(params); });
    var text = params.toString();
    var url = location.href.split("#")[0] + (text ? "#" + text : "");
    try { history.replaceState(null, "", url); } catch (e) { location.replace(url); }
  }

  function applyHash(scroll) {
    var params = hashParams(), target = null; // an ordinary anchor gives no params: every table at rest
    tables.forEach(function (t) {
      var mine = false;
      params.forEach(function (_, key) { if (key.indexOf(t.id + ".") === 0) mine = true; });
      t.fromHash(params);
      t.update(false);
      if (mine && !target) target = t.box;
    });
    if (scroll && target) target.scrollIntoView({ block: "start" });
    // An ordinary anchor to a row the first page of a long table hides: show every row, then go there.
    var id = location.hash.length > 1 && location.hash.indexOf("=") < 0 ? decodeURIComponent(location.hash.slice(1)) : "";
    var row = id ? document.getElementById(id) : null;
    if (row && row.hidden) {
      tables.forEach(function (t) { if (t.box.contains(row)) { t.state.all = true; t.update(false); } });
      row.scrollIntoView({ block: "center" });
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("div.dt[data-table]"), function (box) {
      if (box.querySelector("table") && box.querySelector("table").tBodies.length) tables.push(new Table(box));
    });
    if (!tables.length) return;
    document.documentElement.classList.add("js-tables");
    applyHash(true);
    window.addEventListener("hashchange", function () { applyHash(true); });
    // A link with data-hash sets a table's state; without the script it is an ordinary anchor.
    document.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a[data-hash]") : null;
      if (!a) return;
      e.preventDefault();
      var state = a.getAttribute("data-hash");
      if (location.hash.slice(1) === state) applyHash(true); else location.hash = state;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
