using System.Net;

namespace WaypointWebhook.Settings;

/// <summary>What <c>serve</c> needs to start.</summary>
public sealed record ServeOptions(int Port, int HealthPort, string CertificateFile, string KeyFile, IPAddress? BindAddress = null);
