using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Testing;
using WaypointWebhook.Hosting;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Integration;

/// <summary>
/// A client that goes away mid-body is never counted as having sent malformed JSON, and its refusal is logged
/// even though the answer cannot be delivered (it once was not: the failed write skipped the log and metrics).
/// </summary>
public sealed class ClientGoneTests
{
    [Fact]
    public async Task A_client_that_resets_mid_body_is_logged_as_gone_or_cut_short_never_as_malformed_input()
    {
        using var certificates = new TestCertificates();
        var log = FakeLogCollector.Create(new FakeLogCollectorOptions { FilteredCategories = { typeof(AdmissionLog).FullName! } });
        await using var host = await InProcessWebhook.StartAsync(certificates.CertificateFile, certificates.KeyFile, logger: InProcessWebhook.LoggerInto(log));

        // Announce a 1,000-byte review, send ten bytes of it, and reset the connection.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", host.Port);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("localhost");
            // Expect: 100-continue makes Kestrel answer "100 Continue" when the endpoint starts reading the body:
            // proof that the request is in flight before the connection goes.
            await tls.WriteAsync(Encoding.ASCII.GetBytes(
                "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n"));
            await tls.FlushAsync();
            var interim = new byte[64];
            var read = await tls.ReadAsync(interim).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.StartsWith("HTTP/1.1 100 Continue", Encoding.ASCII.GetString(interim, 0, read));
            await tls.WriteAsync(Encoding.ASCII.GetBytes("{\"apiVersi"));
            await tls.FlushAsync();
            tcp.Client.LingerState = new LingerOption(true, 0); // close with a reset, as a client that crashed
        }

        string[] Rejections() => [.. log.GetSnapshot().Select(r => r.Message).Where(m => m.Contains(" rejected: ", StringComparison.Ordinal))];
        await Eventually.Until(() => Rejections().Length > 0, "the admission log line of the aborted request", TimeSpan.FromSeconds(10));

        // Which signal Kestrel raises first (the cut body or the aborted request) depends on timing; either
        // line is right, and neither says the client sent malformed JSON.
        var line = Assert.Single(Rejections());
        Assert.Contains(line, new[]
        {
            "Admission \"-\" rejected: request to Validate answered 400 (UnreadableBody): \"request body could not be read: Unexpected end of request content.\"",
            "Admission \"-\" rejected: request to Validate answered 400 (ClientGone): \"the client went away before the answer\"",
        });
    }
}
