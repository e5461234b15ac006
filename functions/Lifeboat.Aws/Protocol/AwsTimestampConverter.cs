using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lifeboat.Aws.Protocol;

/// <summary>
/// AWS JSON timestamps: epoch seconds as a (possibly fractional, possibly exponent-form) number on the wire,
/// but some members (SSM's StringDateTime) carry ISO 8601 strings. Reads both; writes epoch seconds.
/// </summary>
public sealed class AwsTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        AwsTimestamp.Read(ref reader) ?? throw new JsonException("Expected a timestamp, found an empty string.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        AwsTimestamp.Write(writer, value);
}

/// <summary>As <see cref="AwsTimestampConverter"/>, but an empty string (SSM's "not yet") reads as null.</summary>
public sealed class AwsNullableTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : AwsTimestamp.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } timestamp)
        {
            AwsTimestamp.Write(writer, timestamp);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

internal static class AwsTimestamp
{
    public static DateTimeOffset? Read(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return FromEpochSeconds(reader.GetDouble());
            case JsonTokenType.String:
                var text = reader.GetString();
                if (string.IsNullOrWhiteSpace(text))
                {
                    return null;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return FromEpochSeconds(seconds);
                }

                if (DateTimeOffset.TryParse(
                        text,
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                        out var parsed))
                {
                    return parsed;
                }

                throw new JsonException($"Unrecognised timestamp '{text}'.");
            default:
                throw new JsonException($"Expected a timestamp, found {reader.TokenType}.");
        }
    }

    public static void Write(Utf8JsonWriter writer, DateTimeOffset value) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);

    // Millisecond precision is what the services return; rounding hides double noise.
    private static DateTimeOffset FromEpochSeconds(double seconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero));
}
