using System.IO.Hashing;
using System.Text;

namespace Horde.Net.Cluster;

/// <summary>
/// The message types that may cross the network, each with a numeric id that every node agrees on. Only these types are
/// ever deserialized: a frame naming another id closes the connection. There is no typeless serialization.
/// </summary>
/// <remarks>
/// Register every type you send to, or reply from, a process on another node: <c>options.MessageTypes.Add&lt;AddItems&gt;()</c>.
/// The id is derived from the type's namespace-qualified name (stable across versions and machines) unless you give one;
/// give one to rename a type without breaking mixed-version clusters. Ids below 1024 belong to Horde.Net.
/// Types are serialized with MessagePack (annotate them with <c>[MessagePackObject]</c> and <c>[Key(n)]</c>).
/// </remarks>
public sealed class MessageTypeRegistry
{
    /// <summary>The first id free for applications.</summary>
    public const int FirstApplicationId = 1024;

    private readonly Dictionary<Type, int> _ids = [];
    private readonly Dictionary<int, Type> _types = [];

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

    /// <summary>All registered types and their ids.</summary>
    public IReadOnlyDictionary<Type, int> Types => _ids;

    internal bool TryGetId(Type type, out int id) => _ids.TryGetValue(type, out id);

    internal bool TryGetType(int id, out Type type) => _types.TryGetValue(id, out type!);

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
        if (_types.TryGetValue(id, out var existing) && existing != type)
            throw new ArgumentException($"Message type id {id} of {type} is already taken by {existing}; give one of them an explicit id.", nameof(type));
        if (_ids.TryGetValue(type, out var other) && other != id)
            throw new ArgumentException($"{type} is already registered with id {other}.", nameof(type));
        _ids[type] = id;
        _types[id] = type;
    }

    // Until assembly-wide registration lands here, hosting registers configured assemblies through this.
    internal MessageTypeRegistry AddFromAssembly(System.Reflection.Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t.IsDefined(typeof(MessagePack.MessagePackObjectAttribute), false) && !t.IsAbstract && !t.ContainsGenericParameters))
        {
            if (!_ids.ContainsKey(type))
                Add(type);
        }
        return this;
    }
}
