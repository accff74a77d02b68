// The Tanx page: lobby, then one game. The arena is pulled (as the original does): up to two view requests in flight,
// so the frame rate follows what the network and the game's node give. Everything the page knows is in window.tanx,
// for the end-to-end tests and for the curious.
"use strict";
const $ = (id) => document.getElementById(id);
const tanx = window.tanx = {
  connected: false, servingNode: null, build: null, maze: null,
  gameId: null, handle: null, playerId: null, view: null, frames: 0, rejoins: 0, reconnects: 0, lost: null,
};
const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const connection = new Connection(`${scheme}//${location.host}/ws`);
const maxInFlight = 2;
const minPullSpacingMs = 15; // about the screen's frame rate: more views than frames would only load the game
let inFlight = 0, lastPull = 0;

connection.onstatus = (up) => {
  tanx.connected = up; tanx.reconnects = connection.reconnects;
  $("status").textContent = up ? "connected" : "reconnecting…";
  $("status").className = "status " + (up ? "ok" : "down");
};
connection.onopen = async () => {
  const hello = await connection.request("hello");
  tanx.servingNode = hello.node; tanx.build = hello.build;
  $("serving-node").textContent = hello.node; $("build").textContent = hello.build;
  if (tanx.gameId) await rejoin(); else refreshLobby();
};

async function rejoin() {
  try {
    const me = await connection.request("rejoin", { game: tanx.gameId, handle: tanx.handle });
    if (me) { tanx.rejoins++; pull(); return; }
    tanx.lost = "the game no longer knows this player";
  } catch (e) {
    if (e.message === "disconnected") return; // the socket went again; onopen runs once it is back
    tanx.lost = e.message;
  }
  showMessage(`Could not rejoin: ${tanx.lost}`);
  leaveToLobby();
}

// ---- lobby
async function refreshLobby() {
  if (tanx.gameId || !connection.connected) return;
  try {
    const games = await connection.request("list");
    tanx.games = games;
    $("games").replaceChildren(...games.map((g) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.textContent = `Join ${g.name}`; button.dataset.game = g.id; button.className = "join";
      button.onclick = () => join(g.id);
      li.append(button, ` ${g.players} player(s), on ${g.node}`);
      return li;
    }));
  } catch { /* reconnecting */ }
}
setInterval(refreshLobby, 2000);

$("create-form").onsubmit = async (event) => {
  event.preventDefault();
  const game = await connection.request("create", { name: $("game-name").value || "Game" });
  await join(game.id);
};

async function join(gameId) {
  const joined = await connection.request("join", { game: gameId, name: $("player-name").value });
  tanx.gameId = gameId; tanx.handle = joined.handle; tanx.playerId = joined.playerId; tanx.lost = null;
  sessionStorage.setItem("tanx", JSON.stringify({ gameId, handle: joined.handle, playerId: joined.playerId }));
  $("lobby").hidden = true; $("game").hidden = false;
  pull();
}

function leaveToLobby() {
  tanx.gameId = null; tanx.handle = null; tanx.view = null;
  sessionStorage.removeItem("tanx");
  $("lobby").hidden = false; $("game").hidden = true; $("game-node").textContent = "-"; $("game-build").textContent = "-";
  refreshLobby();
}

$("leave").onclick = async () => {
  try { await send("leave"); } finally { leaveToLobby(); }
};

// ---- game
function send(op, args) {
  return connection.request(op, Object.assign({ game: tanx.gameId, handle: tanx.handle }, args || {}));
}

function pull() {
  while (tanx.gameId && connection.connected && inFlight < maxInFlight) {
    const wait = lastPull + minPullSpacingMs - performance.now();
    if (wait > 0) { setTimeout(pull, wait); return; }
    lastPull = performance.now();
    inFlight++;
    send("view").then((served) => {
      const view = served.view;
      if (!tanx.view || view.ticks >= tanx.view.ticks || view.gameBuild !== tanx.view.gameBuild || view.gameNode !== tanx.view.gameNode) {
        tanx.view = view; tanx.frames++;
        if (!view.me) { tanx.lost = "the game no longer knows this player"; showMessage("You were removed from the game."); leaveToLobby(); }
      }
    }, () => { /* a failed pull: the socket is reconnecting, or the game is moving */ })
      .finally(() => { inFlight--; setTimeout(pull, 0); });
  }
}

function frame() {
  const view = tanx.view;
  if (tanx.maze && !$("game").hidden) Render.draw($("arena"), tanx.maze, view, view && view.me);
  if (view) {
    $("game-node").textContent = view.gameNode;
    $("game-build").textContent = view.gameBuild;
    $("game-title").textContent = view.gameName;
    $("players").tBodies[0].replaceChildren(...view.players.map((p) => {
      const tr = document.createElement("tr");
      if (view.me && p.id === view.me.id) tr.className = "me";
      for (const text of [p.name, p.kills, p.deaths]) { const td = document.createElement("td"); td.textContent = text; tr.append(td); }
      return tr;
    }));
    const chatKey = view.chat.map((c) => c.at).join();
    if ($("chat").dataset.key !== chatKey) {
      $("chat").dataset.key = chatKey;
      $("chat").replaceChildren(...view.chat.map((c) => { const li = document.createElement("li"); li.textContent = `${c.name}: ${c.text}`; return li; }));
    }
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

const keys = { ArrowUp: "forward", KeyI: "forward", ArrowDown: "backward", KeyK: "backward", ArrowLeft: "left", KeyJ: "left", ArrowRight: "right", KeyL: "right" };
const held = new Set();
function onKey(event, down) {
  if (!tanx.gameId || event.target.tagName === "INPUT") return;
  const button = keys[event.code];
  if (button) {
    event.preventDefault();
    if (held.has(event.code) === down) return; // key repeat
    if (down) held.add(event.code); else held.delete(event.code);
    send("control", { button, down }).catch(() => {});
  } else if (event.code === "Space" && down) {
    event.preventDefault(); send("fire").catch(() => {});
  } else if (event.code === "KeyZ" && down) {
    send("destruct").catch(() => {});
  }
}
document.addEventListener("keydown", (e) => onKey(e, true));
document.addEventListener("keyup", (e) => onKey(e, false));

$("arena").addEventListener("click", (event) => {
  if (!tanx.view || !tanx.maze) return;
  const at = Render.toArena($("arena"), tanx.maze, event);
  const entry = tanx.view.entryPoints.find((e) => Math.hypot(e.x - at.x, e.y - at.y) < 1.5);
  if (entry) send("spawn", { entry: entry.name }).then((r) => { if (!r.ok) showMessage(`Cannot enter: ${r.error}`); }, () => {});
});

$("rename-form").onsubmit = (event) => { event.preventDefault(); send("rename", { name: $("rename").value }).catch(() => {}); $("rename").value = ""; };
$("chat-form").onsubmit = (event) => { event.preventDefault(); send("chat", { text: $("chat-text").value }).catch(() => {}); $("chat-text").value = ""; };

function showMessage(text) { $("message").textContent = text; }

fetch("/api/maze").then((r) => r.json()).then((maze) => { tanx.maze = maze; });
const saved = JSON.parse(sessionStorage.getItem("tanx") || "null");
if (saved) {
  Object.assign(tanx, saved);
  $("lobby").hidden = true; $("game").hidden = false;
}
