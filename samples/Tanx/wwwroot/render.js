// Draws an arena view on a 2D canvas that fills its box: arena units (origin at the centre, y up) to pixels.
"use strict";
const Render = {
  fit(canvas, size) {
    const box = canvas.parentElement.getBoundingClientRect();
    const side = Math.max(100, Math.floor(Math.min(box.width, box.height) - 8));
    if (canvas.width !== side) { canvas.width = side; canvas.height = side; }
    return side / size;
  },

  toArena(canvas, maze, event) {
    const rect = canvas.getBoundingClientRect();
    const scale = canvas.width / maze.size;
    return { x: (event.clientX - rect.left) / scale - maze.size / 2, y: maze.size / 2 - (event.clientY - rect.top) / scale };
  },

  draw(canvas, maze, view, me) {
    const ctx = canvas.getContext("2d");
    const s = Render.fit(canvas, maze.size);
    const half = maze.size / 2;
    const px = (x) => (x + half) * s, py = (y) => (half - y) * s;
    ctx.clearRect(0, 0, canvas.width, canvas.height);

    ctx.strokeStyle = "#8fa"; ctx.lineWidth = Math.max(2, s * 0.12); ctx.lineJoin = "round"; ctx.lineCap = "round";
    for (const wall of maze.walls) {
      ctx.beginPath();
      wall.forEach(([x, y], i) => i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y)));
      ctx.closePath(); ctx.stroke();
    }
    if (!view) return;

    for (const e of view.entryPoints) {
      ctx.fillStyle = e.available ? "rgba(255,255,120,0.35)" : "rgba(120,120,120,0.2)";
      ctx.beginPath(); ctx.arc(px(e.x), py(e.y), 0.6 * s, 0, 2 * Math.PI); ctx.fill();
    }
    for (const p of view.powerUps) {
      ctx.fillStyle = p.kind === "health" ? "#4f4" : "#4af";
      ctx.beginPath(); ctx.arc(px(p.x), py(p.y), 0.4 * s, 0, 2 * Math.PI); ctx.fill();
    }
    for (const t of view.tanks) {
      ctx.save();
      ctx.translate(px(t.x), py(t.y)); ctx.rotate(-t.heading);
      ctx.fillStyle = me && t.playerId === me.id ? "#fd5" : "#d55";
      ctx.fillRect(-0.5 * s, -0.4 * s, 1.0 * s, 0.8 * s);
      ctx.fillStyle = "#222"; ctx.fillRect(0, -0.08 * s, 0.7 * s, 0.16 * s);
      ctx.restore();
      ctx.fillStyle = "#fff"; ctx.font = `${Math.max(10, 0.45 * s)}px sans-serif`; ctx.textAlign = "center";
      ctx.fillText(t.name, px(t.x), py(t.y) - 0.7 * s);
      ctx.fillStyle = "#4f4"; ctx.fillRect(px(t.x) - 0.5 * s, py(t.y) + 0.6 * s, s * t.armor / t.maxArmor, 0.1 * s);
    }
    ctx.fillStyle = "#fff";
    for (const m of view.missiles) { ctx.beginPath(); ctx.arc(px(m.x), py(m.y), 0.1 * s, 0, 2 * Math.PI); ctx.fill(); }
    for (const e of view.explosions) {
      ctx.fillStyle = `rgba(255,${Math.round(200 * (1 - e.progress))},40,${1 - e.progress})`;
      ctx.beginPath(); ctx.arc(px(e.x), py(e.y), Math.max(0.05, e.radius * Math.sin(Math.PI * e.progress)) * s, 0, 2 * Math.PI); ctx.fill();
    }
  },
};
