namespace Lifeboat.Core;

/// <summary>Input that cannot be acted on. The message names the problem and the fix; nothing has been started.</summary>
public sealed class InvalidInputException(string message) : Exception(message);
