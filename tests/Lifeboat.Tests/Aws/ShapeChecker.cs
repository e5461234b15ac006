using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lifeboat.Aws.Protocol;

namespace Lifeboat.Tests.Aws;

/// <summary>
/// Checks JSON documents and the serializer's own type metadata against a service model's shapes,
/// walking nested structures, lists and maps. Returns one line per mismatch.
/// </summary>
internal static class ShapeChecker
{
    /// <summary>Every member of <paramref name="value"/> must exist in the shape with a matching JSON type.</summary>
    public static List<string> CheckJson(AwsServiceModel model, string shapeName, JsonElement value, bool requireRequired)
    {
        var errors = new List<string>();
        CheckJson(model, shapeName, value, "$", requireRequired, errors);
        return errors;
    }

    /// <summary>
    /// Every member the client can write or read must exist in the shape with a compatible type. A request type
    /// must also be able to send every member the model requires; a response type must not insist on a member
    /// the model leaves optional.
    /// </summary>
    public static List<string> CheckType(AwsServiceModel model, string shapeName, Type type, WireDirection direction)
    {
        var errors = new List<string>();
        CheckType(model, shapeName, AwsWireJsonContext.Default.Options.GetTypeInfo(type), type.Name, direction, errors);
        return errors;
    }

    private static void CheckJson(AwsServiceModel model, string shapeName, JsonElement value, string path, bool requireRequired, List<string> errors)
    {
        var shape = model.Shape(shapeName);
        var kind = shape.GetProperty("type").GetString();
        switch (kind)
        {
            case "structure":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{path}: expected an object for {shapeName}, found {value.ValueKind}");
                    return;
                }

                var members = shape.GetProperty("members");
                foreach (var property in value.EnumerateObject())
                {
                    if (members.TryGetProperty(property.Name, out var member))
                    {
                        CheckJson(model, member.GetProperty("shape").GetString()!, property.Value, $"{path}.{property.Name}", requireRequired, errors);
                    }
                    else
                    {
                        errors.Add($"{path}.{property.Name}: not a member of {shapeName}");
                    }
                }

                if (requireRequired)
                {
                    errors.AddRange(Required(shape)
                        .Where(r => !value.TryGetProperty(r, out _))
                        .Select(r => $"{path}.{r}: required by {shapeName} but missing"));
                }

                break;
            case "list":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}: expected an array for {shapeName}, found {value.ValueKind}");
                    return;
                }

                var item = shape.GetProperty("member").GetProperty("shape").GetString()!;
                var index = 0;
                foreach (var element in value.EnumerateArray())
                {
                    CheckJson(model, item, element, $"{path}[{index++}]", requireRequired, errors);
                }

                break;
            case "map":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{path}: expected an object for map {shapeName}, found {value.ValueKind}");
                    return;
                }

                var valueShape = shape.GetProperty("value").GetProperty("shape").GetString()!;
                foreach (var entry in value.EnumerateObject())
                {
                    CheckJson(model, valueShape, entry.Value, $"{path}[{entry.Name}]", requireRequired, errors);
                }

                break;
            default:
                if (!ScalarMatches(kind!, value))
                {
                    errors.Add($"{path}: {value.ValueKind} does not fit {shapeName} ({kind})");
                }

                break;
        }
    }

    private static bool ScalarMatches(string kind, JsonElement value) => kind switch
    {
        "string" or "blob" => value.ValueKind == JsonValueKind.String,
        "integer" or "long" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "double" or "float" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "timestamp" => value.ValueKind is JsonValueKind.Number or JsonValueKind.String,
        _ => false,
    };

    private static void CheckType(AwsServiceModel model, string shapeName, JsonTypeInfo info, string path, WireDirection direction, List<string> errors)
    {
        var shape = model.Shape(shapeName);
        var kind = shape.GetProperty("type").GetString();
        var clrType = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        switch (kind)
        {
            case "structure":
                if (info.Kind != JsonTypeInfoKind.Object)
                {
                    errors.Add($"{path}: {clrType.Name} is not an object but {shapeName} is a structure");
                    return;
                }

                var members = shape.GetProperty("members");
                var required = Required(shape).ToHashSet();
                foreach (var property in info.Properties)
                {
                    if (!members.TryGetProperty(property.Name, out var member))
                    {
                        errors.Add($"{path}.{property.Name}: not a member of {shapeName}");
                        continue;
                    }

                    // A C# required member would reject a valid answer that leaves it out.
                    if (direction == WireDirection.Response && property.IsRequired && !required.Contains(property.Name))
                    {
                        errors.Add($"{path}.{property.Name}: required in C# but optional in {shapeName}");
                    }

                    var propertyInfo = info.Options.GetTypeInfo(property.PropertyType);
                    CheckType(model, member.GetProperty("shape").GetString()!, propertyInfo, $"{path}.{property.Name}", direction, errors);
                }

                if (direction == WireDirection.Request)
                {
                    errors.AddRange(required
                        .Where(r => info.Properties.All(p => p.Name != r))
                        .Select(r => $"{path}.{r}: required by {shapeName} but the client has no such member"));
                }

                break;
            case "list":
                if (info.Kind != JsonTypeInfoKind.Enumerable)
                {
                    errors.Add($"{path}: {clrType.Name} is not a list but {shapeName} is");
                    return;
                }

                CheckType(model, shape.GetProperty("member").GetProperty("shape").GetString()!, info.Options.GetTypeInfo(info.ElementType!), $"{path}[]", direction, errors);
                break;
            case "map":
                if (info.Kind != JsonTypeInfoKind.Dictionary || info.KeyType != typeof(string))
                {
                    errors.Add($"{path}: {clrType.Name} is not a string-keyed dictionary but {shapeName} is a map");
                    return;
                }

                CheckType(model, shape.GetProperty("value").GetProperty("shape").GetString()!, info.Options.GetTypeInfo(info.ElementType!), $"{path}[]", direction, errors);
                break;
            default:
                if (!ScalarMatches(kind!, shapeName, clrType))
                {
                    errors.Add($"{path}: {clrType.Name} does not fit {shapeName} ({kind})");
                }

                break;
        }
    }

    private static bool ScalarMatches(string kind, string shapeName, Type type) => kind switch
    {
        // SSM models some dates as strings (StringDateTime); the client reads them as timestamps.
        "string" => type == typeof(string) || (type == typeof(DateTimeOffset) && shapeName.EndsWith("DateTime", StringComparison.Ordinal)),
        "integer" => type == typeof(int),
        "long" => type == typeof(long),
        "boolean" => type == typeof(bool),
        "timestamp" => type == typeof(DateTimeOffset),
        "double" or "float" => type == typeof(double),
        _ => false,
    };

    private static IEnumerable<string> Required(JsonElement shape) =>
        shape.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!) : [];
}

internal enum WireDirection
{
    Request,
    Response,
}
