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
            // The serializer's message names the field (Path) and what it could not map; the fix is to correct that field.
            throw new Core.InvalidInputException(
                $"the input is not valid for {type.Type.Name}: {e.Message} Correct or remove that field (README.md lists each workflow's input); nothing was started.");
        }
    }

    public static Stream Write<T>(T value, JsonTypeInfo<T> type) =>
        new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, type), writable: false);
}
