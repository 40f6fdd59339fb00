namespace WaypointWebhook.Cli;

/// <summary>An argument of <c>--suppress</c> that cannot be read; the message names it.</summary>
public sealed class SuppressionException(string message) : Exception(message);
