namespace Tanx.Web;

/// <summary>
/// One request of the browser (or bot) protocol over the WebSocket, as JSON: <c>{"id":7,"op":"view","game":"g1a2b","handle":"…"}</c>.
/// The answer is <c>{"id":7,"ok":true,"result":…}</c> or <c>{"id":7,"ok":false,"error":"…"}</c>; requests are answered
/// as they complete, so a client may keep several in flight.
/// </summary>
public sealed record ClientRequest(
    int Id,
    string Op,
    string? Game = null,
    string? Handle = null,
    string? Name = null,
    string? Entry = null,
    string? Button = null,
    bool Down = false,
    string? Text = null);

public sealed record ClientReply(int Id, bool Ok, object? Result = null, string? Error = null);

/// <summary>The answer to <c>hello</c>: which node serves this connection, and its build.</summary>
public sealed record Hello(string Node, string Build);

/// <summary>A view as a client gets it: the game's view and the node that served it.</summary>
public sealed record ServedView(Games.ArenaView View, string ServingNode, string Build);
