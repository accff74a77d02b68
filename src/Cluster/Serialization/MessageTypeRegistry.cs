using System.Collections.Frozen;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using MessagePack;

namespace Horde.Net.Cluster;

/// <summary>
/// The message types that may cross the network, each with a numeric id that every node agrees on. Only these types are
/// ever deserialized: a frame naming another id closes the connection. There is no typeless serialization.
/// </summary>
/// <remarks>
/// Register every type you send to, or reply from, a process on another node, on every node: one at a time
/// (<c>options.MessageTypes.Add&lt;AddItems&gt;()</c>) or every <c>[MessagePackObject]</c> type of an assembly at once
/// (<c>options.MessageTypes.AddAssemblyOf&lt;AddItems&gt;()</c>). Horde.Net's own types are registered already.
/// The id of a type is, unless you give one, <c>1024 + XxHash32(UTF-8 of its stable name) mod (2^31 - 1 - 1024)</c>,
/// where the stable name is the namespace-qualified name with <c>+</c> for nesting, <c>[]</c> for arrays and generic
/// arguments in <c>&lt;…&gt;</c>, never the assembly version: so it is the same on every machine, build and version, and
/// does not depend on the order of registration. Give an id to rename a type without breaking mixed-version clusters.
/// Two types with one id are refused when the second is added, with both named. Ids below 1024 belong to Horde.Net.
/// The table is frozen when the node starts to listen (transport threads then read it without locks); adding later throws.
/// Types are serialized with MessagePack (annotate them with <c>[MessagePackObject]</c> and <c>[Key(n)]</c>).
/// </remarks>
public sealed class MessageTypeRegistry
{
    /// <summary>The first id free for applications.</summary>
    public const int FirstApplicationId = 1024;

    private readonly Dictionary<Type, int> _ids = [];
    private readonly Dictionary<int, Type> _types = [];
    private FrozenDictionary<Type, int>? _frozenIds;
    private FrozenDictionary<int, Type>? _frozenTypes;

    /// <summary>A registry holding Horde.Net's own types and common primitives.</summary>
    public MessageTypeRegistry()
    {
        AddBuiltIn<string>(1);
        AddBuiltIn<int>(2);
        AddBuiltIn<long>(3);
        AddBuiltIn<bool>(4);
        AddBuiltIn<double>(5);
        AddBuiltIn<byte[]>(6);
        AddBuiltIn<Guid>(7);
        AddBuiltIn<Pid>(8);
        AddBuiltIn<ExitReason>(9);
        AddBuiltIn<Down>(10);
        AddBuiltIn<Exit>(11);
        AddBuiltIn<MonitorRef>(12);
        AddBuiltIn<NodeName>(13);
        AddBuiltIn<string[]>(14);
        AddBuiltIn<int[]>(15);
        AddBuiltIn<long[]>(16);
        AddBuiltIn<DateTimeOffset>(17);
        AddBuiltIn<NodeUp>(18);
        AddBuiltIn<NodeDown>(19);
        AddBuiltIn<NodeLeaving>(20);
    }

    /// <summary>Registers <typeparamref name="T"/>, with an id derived from its name or the one given.</summary>
    /// <exception cref="ArgumentException">The id is below <see cref="FirstApplicationId"/>, or another type has it.</exception>
    public MessageTypeRegistry Add<T>(int? id = null) => Add(typeof(T), id);

    /// <summary>Registers <paramref name="type"/>, with an id derived from its name or the one given.</summary>
    /// <exception cref="ArgumentException">The id is below <see cref="FirstApplicationId"/>, or another type has it.</exception>
    public MessageTypeRegistry Add(Type type, int? id = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsAbstract || type.IsInterface || type.ContainsGenericParameters)
            throw new ArgumentException($"{type} is not a concrete type; register the concrete message types.", nameof(type));
        var assigned = id ?? IdOf(StableName(type));
        if (assigned < FirstApplicationId)
            throw new ArgumentException($"Message type id {assigned} of {type} is below {FirstApplicationId}; those ids belong to Horde.Net.", nameof(id));
        Put(type, assigned);
        return this;
    }

    /// <summary>
    /// Registers every concrete type of <paramref name="assembly"/> marked <c>[MessagePackObject]</c>, each with the
    /// id derived from its name.
    /// </summary>
    /// <exception cref="ArgumentException">Two types would share an id (both are named).</exception>
    public MessageTypeRegistry AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var types = assembly.GetTypes()
            .Where(t => !t.IsAbstract && !t.IsInterface && !t.ContainsGenericParameters && t.IsDefined(typeof(MessagePackObjectAttribute), inherit: false))
            .OrderBy(StableName, StringComparer.Ordinal); // the same error whatever order reflection lists them in
        foreach (var type in types)
        {
            if (!_ids.ContainsKey(type))
                Add(type);
        }
        return this;
    }

    /// <summary>Registers every <c>[MessagePackObject]</c> type of the assembly that defines <typeparamref name="T"/>; see <see cref="AddAssembly(Assembly)"/>.</summary>
    public MessageTypeRegistry AddAssemblyOf<T>() => AddAssembly(typeof(T).Assembly);

    /// <summary>All registered types and their ids.</summary>
    public IReadOnlyDictionary<Type, int> Types => (IReadOnlyDictionary<Type, int>?)_frozenIds ?? _ids;

    /// <summary>True once a node listens with this table: it no longer changes.</summary>
    public bool IsFrozen => _frozenIds is not null;

    internal bool TryGetId(Type type, out int id) => (_frozenIds ?? (IReadOnlyDictionary<Type, int>)_ids).TryGetValue(type, out id);

    internal bool TryGetType(int id, out Type type) => (_frozenTypes ?? (IReadOnlyDictionary<int, Type>)_types).TryGetValue(id, out type!);

    /// <summary>Makes the table read-only, so the transport's threads can read it while nothing writes.</summary>
    internal void Freeze()
    {
        lock (_ids)
        {
            if (_frozenIds is not null)
                return;
            _frozenTypes = _types.ToFrozenDictionary();
            _frozenIds = _ids.ToFrozenDictionary();
        }
    }

    /// <summary>A name for a type that does not depend on assembly versions: namespace, name and generic arguments.</summary>
    internal static string StableName(Type type)
    {
        if (type.IsArray)
            return StableName(type.GetElementType()!) + "[]";
        var name = type.IsNested ? StableName(type.DeclaringType!) + "+" + type.Name : $"{type.Namespace}.{type.Name}";
        return type.IsGenericType
            ? $"{name}<{string.Join(",", type.GetGenericArguments().Select(StableName))}>"
            : name;
    }

    private static int IdOf(string stableName)
    {
        var hash = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(stableName));
        return FirstApplicationId + (int)(hash % (uint)(int.MaxValue - FirstApplicationId));
    }

    private void AddBuiltIn<T>(int id) => Put(typeof(T), id);

    private void Put(Type type, int id)
    {
        if (_ids.TryGetValue(type, out var same) && same == id)
            return; // registering a type again, as two libraries may, changes nothing
        if (_frozenIds is not null)
            throw new InvalidOperationException($"Cannot register {type}: the message types are frozen once the node listens; register every type before ListenAsync.");
        if (_types.TryGetValue(id, out var existing) && existing != type)
            throw new ArgumentException($"Message type id {id} of {type} is already taken by {existing}; give one of them an explicit id.", nameof(type));
        if (_ids.TryGetValue(type, out var other) && other != id)
            throw new ArgumentException($"{type} is already registered with id {other}.", nameof(type));
        _ids[type] = id;
        _types[id] = type;
    }
}
