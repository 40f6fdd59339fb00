using System.Net;

namespace WaypointWebhook.Tests.Hostile;

/// <summary>A body that stalls cannot hold its share of the memory budget: Kestrel's data rate ends it, and the budget is whole again.</summary>
[Collection(CappedServerCollection.Name)]
public sealed class SlowBodyTests(CappedServer server) : IClassFixture<CappedServer>
{
    private sealed class StallingBody(byte[] bytes, TimeSpan stall) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, 1024));
            await stream.FlushAsync();
            await Task.Delay(stall);
            await stream.WriteAsync(bytes.AsMemory(1024));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task Stalled_8_MiB_bodies_are_ended_and_their_reservations_given_back()
    {
        var body = HostileBodies.ServiceEntry("slow", "slow", 125_000, _ => HostileBodies.UseWaypoint("None"));
        using var clients = new DisposableList<HttpClient>(Enumerable.Range(0, 3).Select(_ => server.Client()));

        // Each reserves its declared 8 MiB, then sends nothing for 6 s: far below 16 KiB/s.
        var stalled = clients.Items.Select(async client =>
        {
            using var content = new StallingBody(body, TimeSpan.FromSeconds(6));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            try
            {
                using var response = await client.PostAsync(server.Url("/validate"), content);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return (HttpStatusCode)0;
            }
        }).ToList();

        await Task.Delay(500);
        await server.AssertProbeAnswered();
        var statuses = await Task.WhenAll(stalled);

        // The first one held the large share and was cut off by the data rate; the others found no room.
        // (Typically 429, 429 and a reset: Kestrel aborts the stalled connection, and a client still sending
        // when its 429 arrives may see the reset instead.)
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.BadRequest, HttpStatusCode.RequestTimeout, (HttpStatusCode)0 }));

        // Nothing stays reserved: a full-size review is judged again.
        // (The server may end the stalled request a moment after its client saw the reset.)
        var (status, _, _) = await server.Post("/validate", body);
        for (var i = 0; i < 30 && status == HttpStatusCode.TooManyRequests; i++)
        {
            await Task.Delay(100);
            (status, _, _) = await server.Post("/validate", body);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        server.AssertAliveAndUnderLimit();
    }
}
