// The Horde.Net dashboard: renders the state the node streams as server-sent events (one a second).
(function () {
  "use strict";
  const colours = ["#3b6fd1", "#d1613b", "#2a9d5c", "#9b4dca", "#c9a227", "#2aa7b8", "#c43d7a", "#6b7a8f"];
  const colourOf = {};
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const colour = name => colourOf[name] || (colourOf[name] = colours[Object.keys(colourOf).length % colours.length]);

  function renderNodes(state) {
    const body = document.querySelector("#nodes tbody");
    body.replaceChildren(...state.nodes.map(n => {
      const row = el("tr");
      row.dataset.node = n.name;
      row.dataset.state = n.state;
      row.append(el("td", n.name), el("td", n.state, "state-" + n.state), el("td", String(n.count)), el("td", n.detail));
      return row;
    }));
  }

  function renderSections(state) {
    const host = document.getElementById("sections");
    host.replaceChildren(...state.sections.map(s => {
      const section = el("section");
      section.dataset.title = s.title;
      const table = el("table");
      const head = el("tr");
      s.columns.forEach(c => head.append(el("th", c)));
      table.append(head);
      s.rows.forEach(r => { const tr = el("tr"); r.forEach(c => tr.append(el("td", c))); table.append(tr); });
      section.append(el("h2", s.title), table);
      if (s.perNode) {
        const per = el("p");
        per.className = "per-node";
        per.textContent = "per node: " + Object.entries(s.perNode).map(([n, c]) => n + " " + c).join(", ");
        section.append(per);
      }
      return section;
    }));
  }

  function renderEvents(state) {
    const list = document.getElementById("events");
    list.replaceChildren(...state.events.slice().reverse().map(e => {
      const li = el("li");
      li.dataset.kind = e.kind;
      li.append(el("span", new Date(e.time).toLocaleTimeString() + " "), el("span", e.kind, "kind"), el("span", e.text));
      return li;
    }));
  }

  // One line per node through the samples: children leaving one node and arriving on others show as crossing lines.
  function renderTimeline(state) {
    const svg = document.getElementById("timeline");
    const samples = state.history;
    const names = [...new Set(samples.flatMap(s => Object.keys(s.counts)))].sort();
    const width = 800, height = 220, pad = 24;
    const max = Math.max(1, ...samples.flatMap(s => Object.values(s.counts)));
    const x = i => pad + (samples.length <= 1 ? 0 : i * (width - 2 * pad) / (samples.length - 1));
    const y = v => height - pad - v * (height - 2 * pad) / max;
    const ns = "http://www.w3.org/2000/svg";
    const parts = [];
    const axis = document.createElementNS(ns, "text");
    axis.setAttribute("x", 2); axis.setAttribute("y", 14); axis.setAttribute("font-size", 11);
    axis.textContent = String(max);
    parts.push(axis);
    names.forEach(name => {
      const path = document.createElementNS(ns, "polyline");
      path.setAttribute("points", samples.map((s, i) => x(i) + "," + y(s.counts[name] || 0)).join(" "));
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", colour(name));
      path.setAttribute("stroke-width", 2);
      path.dataset.node = name;
      parts.push(path);
    });
    svg.replaceChildren(...parts);
    document.getElementById("legend").replaceChildren(...names.map(name => {
      const item = el("span");
      const swatch = el("i");
      swatch.style.background = colour(name);
      const last = samples.length ? (samples[samples.length - 1].counts[name] || 0) : 0;
      item.append(swatch, document.createTextNode(name + ": " + last));
      return item;
    }));
  }

  function render(state) {
    document.getElementById("self").textContent = "as seen by " + state.self;
    renderNodes(state);
    renderSections(state);
    renderEvents(state);
    renderTimeline(state);
    document.body.dataset.updated = state.time;
  }

  const badge = document.getElementById("connection");
  const source = new EventSource("events");
  source.onmessage = message => {
    badge.textContent = "live"; badge.className = "badge live";
    render(JSON.parse(message.data));
  };
  source.onerror = () => { badge.textContent = "reconnecting…"; badge.className = "badge"; };
})();
