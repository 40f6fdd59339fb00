namespace WaypointWebhook.Settings;

public sealed class SettingsException(string message) : Exception(message);
