// Injected by scripts/browser-test.sh into a copy of a page: measures what the reader sees
// after load and writes it as JSON into <pre id="probe">.
window.addEventListener("load", function () {
  setTimeout(function () {
    var out = { title: document.title, panes: [], target: null, sort: null };
    var nav = performance.getEntriesByType("navigation")[0];
    out.load_ms = nav ? nav.loadEventEnd : null;
    Array.prototype.forEach.call(document.querySelectorAll(".pair .doc"), function (pane) {
      var mark = pane.querySelector("mark");
      if (!mark) { out.panes.push({ id: "", visible: false }); return; }
      var p = pane.getBoundingClientRect(), m = mark.getBoundingClientRect();
      out.panes.push({ id: mark.id, visible: pane.scrollTop === 0 && m.top >= p.top && m.bottom <= p.top + pane.clientHeight });
    });
    if (location.hash) {
      var link = document.getElementById(location.hash.slice(1));
      var first = link && link.querySelector("mark");
      if (first) {
        var r = first.getBoundingClientRect();
        out.target = { id: first.id, top: r.top, bottom: r.bottom, height: window.innerHeight, visible: r.top >= 0 && r.bottom <= window.innerHeight };
      }
    }
    var table = document.getElementById("clusters");
    if (table) {
      var ids = function () {
        return Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.hidden; })
          .map(function (r) { return +r.getAttribute("data-id"); });
      };
      var click = function (key) { table.querySelector('button[data-key="' + key + '"]').click(); return ids(); };
      var s = { initial: ids() };
      s.by_id = click("id");
      s.by_id_again = click("id");
      s.by_links = click("links");
      var q = document.getElementById("q");
      var title = table.tBodies[0].rows[0].cells[1].textContent;
      q.value = title;
      q.dispatchEvent(new Event("input"));
      s.filtered = ids();
      s.filtered_title = title;
      s.shown = document.getElementById("shown").textContent;
      s.sizes = Array.prototype.map.call(table.tBodies[0].rows, function (r) { return +r.getAttribute("data-size"); });
      out.sort = s;
    }
    var pre = document.createElement("pre");
    pre.id = "probe";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }, 0);
});
