(function () {
  var table = document.getElementById("clusters"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var numeric = { id: 1, size: 1, outlets: 1, links: 1 };
  var state = { key: "size", dir: -1 };
  function order(key, dir) {
    return function (x, y) {
      var a = x.getAttribute("data-" + key) || "", b = y.getAttribute("data-" + key) || "";
      if (numeric[key]) { a = +a; b = +b; }
      return (a < b ? -dir : a > b ? dir : 0) || (x.getAttribute("data-id") - y.getAttribute("data-id"));
    };
  }
  Array.prototype.forEach.call(table.tHead.querySelectorAll("button[data-key]"), function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-key");
      state.dir = state.key === key ? -state.dir : (key === "id" || key === "d0" ? 1 : -1);
      state.key = key;
      rows.sort(order(key, state.dir));
      var all = document.createDocumentFragment();
      rows.forEach(function (r) { all.appendChild(r); });
      body.appendChild(all);
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
      button.parentNode.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
    });
  });
  var q = document.getElementById("q"), src = document.getElementById("src");
  var from = document.getElementById("from"), to = document.getElementById("to");
  var shown = document.getElementById("shown");
  function filter() {
    var t = q.value.toLowerCase(), s = src ? src.value : "", f = from ? from.value : "", u = to ? to.value : "";
    var n = 0;
    rows.forEach(function (r) {
      var d0 = r.getAttribute("data-d0") || "", d1 = r.getAttribute("data-d1") || "";
      var ok = (!t || r.cells[1].textContent.toLowerCase().indexOf(t) >= 0) &&
        (!s || (" " + r.getAttribute("data-src") + " ").indexOf(" " + s + " ") >= 0) &&
        (!f || d1.slice(0, f.length) >= f) &&
        (!u || (d0 !== "" && d0.slice(0, u.length) <= u));
      r.hidden = !ok;
      if (ok) { n++; }
    });
    shown.textContent = n;
  }
  [q, src, from, to].forEach(function (e) { if (e) { e.addEventListener("input", filter); } });
})();
