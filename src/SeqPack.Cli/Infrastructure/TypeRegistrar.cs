using System.Collections;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Infrastructure;

/// <summary>
/// A minimal dependency container for Spectre.Console.Cli: registered instances (the console) and
/// constructor injection for commands, so tests can run commands on a test console. A request for
/// <c>IEnumerable&lt;T&gt;</c> yields every registration of T, as Spectre's own container does.
/// </summary>
internal sealed class TypeRegistrar : ITypeRegistrar, ITypeResolver
{
    private readonly Dictionary<Type, List<Func<object>>> factories = [];

    public void Register(Type service, Type implementation) => Add(service, () => Create(implementation));

    public void RegisterInstance(Type service, object implementation) => Add(service, () => implementation);

    public void RegisterLazy(Type service, Func<object> factory) => Add(service, factory);

    public ITypeResolver Build() => this;

    private void Add(Type service, Func<object> factory)
    {
        if (!factories.TryGetValue(service, out var list)) factories[service] = list = [];
        list.Add(factory);
    }

    public object? Resolve(Type? type)
    {
        if (type is null) return null;
        if (factories.TryGetValue(type, out var list)) return list[^1]();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            var element = type.GetGenericArguments()[0];
            var all = factories.TryGetValue(element, out var items) ? items.Select(f => f()).ToArray() : [];
            var array = Array.CreateInstance(element, all.Length);
            ((IList)all).CopyTo(array, 0);
            return array;
        }
        return type.IsAbstract || type.IsInterface ? null : Create(type);
    }

    private object Create(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Resolve(p.ParameterType)
            ?? throw new InvalidOperationException($"No registration for {p.ParameterType.Name} needed by {type.Name}.")).ToArray();
        return ctor.Invoke(args);
    }
}
