using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lifeboat.Functions;

/// <summary>Stream in, Stream out: the managed runtime needs no serializer package for that signature.</summary>
internal static class LambdaIO
{
    public static async Task<T> ReadAsync<T>(Stream input, JsonTypeInfo<T> type)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(input, type)
                ?? throw new Core.InvalidInputException($"the input is empty: expected a {type.Type.Name} JSON object");
        }
        catch (JsonException e)
        {
            throw new Core.InvalidInputException($"the input is not valid JSON for {type.Type.Name}: {e.Message}");
        }
    }

    public static Stream Write<T>(T value, JsonTypeInfo<T> type) =>
        new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, type), writable: false);
}
