using MessagePack;
using Tanx.Game;

namespace Tanx.Games;

// What the web nodes send a game process, from any node of the cluster; every one is a registered message type.

/// <summary>Names a game just created (a child spec carries no arguments, so the name comes in the first call).</summary>
[MessagePackObject] public sealed record NameGame([property: Key(0)] string Id, [property: Key(1)] string Name);

[MessagePackObject] public sealed record JoinGame([property: Key(0)] string PlayerName);

/// <summary>The answer to a join: the secret handle the client keeps, and the player's public id.</summary>
[MessagePackObject] public sealed record Joined([property: Key(0)] string Handle, [property: Key(1)] string PlayerId);

/// <summary>A client whose connection or game moved comes back with its handle; the answer is its player, or null.</summary>
[MessagePackObject] public sealed record Rejoin([property: Key(0)] string Handle);

[MessagePackObject] public sealed record ViewArena([property: Key(0)] string Handle);

[MessagePackObject] public sealed record SpawnTank([property: Key(0)] string Handle, [property: Key(1)] string EntryPoint);

[MessagePackObject] public sealed record Control([property: Key(0)] string Handle, [property: Key(1)] Controls Button, [property: Key(2)] bool Down);

[MessagePackObject] public sealed record FireMissile([property: Key(0)] string Handle);

[MessagePackObject] public sealed record DestructTank([property: Key(0)] string Handle);

[MessagePackObject] public sealed record RenamePlayer([property: Key(0)] string Handle, [property: Key(1)] string Name);

[MessagePackObject] public sealed record SayChat([property: Key(0)] string Handle, [property: Key(1)] string Text);

[MessagePackObject] public sealed record LeaveGame([property: Key(0)] string Handle);

[MessagePackObject] public sealed record DescribeGame;

/// <summary>A game as the lobby lists it.</summary>
[MessagePackObject]
public sealed record GameSummary([property: Key(0)] string Id, [property: Key(1)] string Name, [property: Key(2)] int Players, [property: Key(3)] string Node);

/// <summary>The physics clock's beat, sent by the game's own timer; never from outside.</summary>
[MessagePackObject] public sealed record Tick;

/// <summary>A command's answer: ok, or why not.</summary>
[MessagePackObject] public sealed record CommandResult([property: Key(0)] bool Ok, [property: Key(1)] string? Error = null);
