using System.ComponentModel;
using System.Globalization;

namespace Horde.Net.Cluster;

/// <summary>
/// Converts <c>name@host:port</c> text to a <see cref="NodeName"/> and back, so that a node name binds from
/// configuration (<c>Horde__Name=orders@10.0.0.5:4369</c>) like any other setting.
/// </summary>
public sealed class NodeNameConverter : TypeConverter
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc />
    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType) =>
        destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    /// <inheritdoc />
    /// <exception cref="FormatException">The text is not <c>name@host:port</c>.</exception>
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? NodeName.Parse(text.Trim()) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc />
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is NodeName name ? name.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
