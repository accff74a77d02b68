// The WebSocket to whichever node the load balancer picks, with requests answered by id (several in flight) and
// automatic reconnection: when the node goes away (a rolling update), pending requests fail and a new socket opens,
// most likely to another node; onopen runs again so the page can say hello and rejoin its game.
"use strict";
class Connection {
  constructor(url) {
    this.url = url;
    this.nextId = 1;
    this.pending = new Map();
    this.connected = false;
    this.reconnects = 0;
    this.onopen = () => {};
    this.onstatus = () => {};
    this.open(0);
  }

  open(delay) {
    setTimeout(() => {
      const socket = new WebSocket(this.url);
      socket.onopen = () => { this.socket = socket; this.connected = true; this.onstatus(true); this.onopen(); };
      socket.onmessage = (event) => {
        const reply = JSON.parse(event.data);
        const waiter = this.pending.get(reply.id);
        if (!waiter) return;
        this.pending.delete(reply.id);
        if (reply.ok) waiter.resolve(reply.result); else waiter.reject(new Error(reply.error));
      };
      socket.onclose = () => {
        const wasConnected = this.connected;
        this.connected = false;
        this.socket = null;
        for (const waiter of this.pending.values()) waiter.reject(new Error("disconnected"));
        this.pending.clear();
        this.onstatus(false);
        if (wasConnected) this.reconnects++;
        this.open(Math.min(2000, Math.max(100, delay * 2)));
      };
    }, delay);
  }

  request(op, args) {
    if (!this.connected) return Promise.reject(new Error("disconnected"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify(Object.assign({ id, op }, args || {})));
    });
  }
}
