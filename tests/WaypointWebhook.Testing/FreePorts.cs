using System.Net;
using System.Net.Sockets;

namespace WaypointWebhook.Testing;

/// <summary>Loopback ports nothing listens on at the moment they are handed out.</summary>
public static class FreePorts
{
    /// <summary>A port the kernel chose for a listener that is closed at once.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
