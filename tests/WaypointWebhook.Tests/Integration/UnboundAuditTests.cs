using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WaypointWebhook.Audit;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Tests.Admission;

namespace WaypointWebhook.Tests.Integration;

/// <summary>
/// The live audit's worker stepped by hand: a burst of changes costs one pass, changes during a pass one
/// more, the interval is waited out on the (fake) clock, a failing pass keeps the last result. No sleeps.
/// </summary>
public sealed class UnboundAuditTests
{
    private static readonly WaypointPolicy Policy = new(new PolicyOptions());

    private static UnboundAudit Audit(ChangingViewSource source, TimeProvider? clock = null, TimeSpan? interval = null) =>
        new(Policy, source, clock ?? new FakeTimeProvider(), interval ?? TimeSpan.Zero, NullLogger<UnboundAudit>.Instance);

    [Fact]
    public async Task A_burst_of_changes_costs_one_pass()
    {
        var source = new ChangingViewSource(ConsumerCluster.Snapshot());
        var audit = Audit(source);
        source.Changed += audit.Signal;

        for (var i = 0; i < 200; i++)
        {
            source.Replace(ConsumerCluster.Snapshot(i % 2 == 0 ? ConsumerCluster.Narrowed : ConsumerCluster.Yaml));
        }

        Assert.True(audit.Pending);
        Assert.True(await audit.StepAsync(CancellationToken.None));
        Assert.Equal(1, audit.Passes);
        Assert.False(audit.Pending);

        // The one pass judged the last view: the 200th change restored the cluster, nothing unbound.
        Assert.Empty(audit.Latest!.Items);
    }

    [Fact]
    public async Task Changes_during_a_pass_cost_exactly_one_more()
    {
        var source = new ChangingViewSource(ConsumerCluster.Snapshot());
        var audit = Audit(source);
        source.Changed += audit.Signal;
        audit.Signal();
        source.OnRead = () =>
        {
            for (var i = 0; i < 50; i++)
            {
                source.Raise();
            }
        };

        await audit.StepAsync(CancellationToken.None);
        source.OnRead = null;

        Assert.Equal(1, audit.Passes);
        Assert.True(audit.Pending);
        await audit.StepAsync(CancellationToken.None);
        Assert.Equal(2, audit.Passes);
        Assert.False(audit.Pending);
    }

    [Fact]
    public async Task The_next_pass_waits_out_the_interval_and_takes_every_change_made_meanwhile()
    {
        var clock = new FakeTimeProvider();
        var source = new ChangingViewSource(ConsumerCluster.Snapshot());
        var audit = Audit(source, clock, TimeSpan.FromSeconds(1));
        source.Changed += audit.Signal;
        audit.Signal();
        await audit.StepAsync(CancellationToken.None);

        source.Replace(ConsumerCluster.Snapshot(ConsumerCluster.Narrowed));
        var next = audit.StepAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(next.IsCompleted);
        for (var i = 0; i < 100; i++)
        {
            source.Replace(ConsumerCluster.Snapshot(ConsumerCluster.NarrowedAndRelabelled));
        }

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next);

        Assert.Equal(2, audit.Passes);
        Assert.False(audit.Pending);
        Assert.Equal(["app/a1", "default/ratings", "default/reviews-v1", "default/reviews-v2"], audit.Latest!.Items.Select(u => $"{u.Object.Namespace}/{u.Object.Name}"));
    }

    [Fact]
    public async Task Before_the_view_is_loaded_a_signal_runs_no_pass()
    {
        var source = new ChangingViewSource(null);
        var audit = Audit(source);
        source.Changed += audit.Signal;
        audit.Signal();

        await audit.StepAsync(CancellationToken.None);

        Assert.Equal(0, audit.Passes);
        Assert.Null(audit.Latest);
        Assert.False(audit.FirstPass.IsCompleted);
        Assert.Empty(audit.Counts);

        source.Replace(ConsumerCluster.Snapshot(ConsumerCluster.Narrowed));
        await audit.StepAsync(CancellationToken.None);

        Assert.Equal(1, audit.Passes);
        Assert.True(audit.FirstPass.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Counts_by_kind_and_reason_are_what_the_gauge_reads()
    {
        var source = new ChangingViewSource(ConsumerCluster.Snapshot(ConsumerCluster.NarrowedAndRelabelled));
        var audit = Audit(source);
        audit.Signal();

        await audit.StepAsync(CancellationToken.None);

        Assert.Equal([("Pod", "AttachmentDenied", 1L), ("Pod", "UnsupportedTrafficType", 3L)], audit.Counts);
    }

    [Fact]
    public async Task A_failing_pass_keeps_the_previous_result()
    {
        var source = new ChangingViewSource(ConsumerCluster.Snapshot(ConsumerCluster.Narrowed));
        var audit = Audit(source);
        source.Changed += audit.Signal;
        audit.Signal();
        await audit.StepAsync(CancellationToken.None);
        var first = audit.Latest;

        source.Replace(new BrokenIndexView());
        await audit.StepAsync(CancellationToken.None);

        Assert.Same(first, audit.Latest);
        Assert.Equal(1, audit.Passes);
        Assert.Equal(3, audit.Latest!.Items.Count);
    }

    [Fact]
    public async Task Stopped_while_waiting_the_worker_ends()
    {
        var audit = Audit(new ChangingViewSource(ConsumerCluster.Snapshot()));
        using var stop = new CancellationTokenSource();

        var step = audit.StepAsync(stop.Token);
        await stop.CancelAsync();

        Assert.False(await step);
    }

    [Fact]
    public void A_list_beyond_its_cap_says_how_many_it_left_out_and_counts_them_all()
    {
        var result = AuditResult.Of(Policy, ConsumerCluster.Snapshot(ConsumerCluster.NarrowedAndRelabelled));

        var list = result.List(null, maxItems: 2);
        var app = result.List("app");

        Assert.Equal(7, list.Consumers);
        Assert.Equal(4, list.Total);
        Assert.Equal(2, list.Truncated);
        Assert.Equal(["app/a1", "default/ratings"], list.Items.Select(i => $"{i.Namespace}/{i.Name}"));
        Assert.Equal([new UnboundCount("Pod", "AttachmentDenied", 1), new UnboundCount("Pod", "UnsupportedTrafficType", 3)], list.Counts);
        Assert.Equal((1, 0), (app.Total, app.Truncated));
        Assert.Equal([new UnboundCount("Pod", "AttachmentDenied", 1)], app.Counts);
    }

    /// <summary>A view whose consumer index fails: what a bug in a pass would look like.</summary>
    private sealed class BrokenIndexView : IClusterView
    {
        public IConsumerIndex Consumers => throw new InvalidOperationException("broken index");

        public GatewayInfo? GetGateway(string @namespace, string name) => null;

        public GatewayClassInfo? GetGatewayClass(string name) => null;

        public NamespaceInfo? GetNamespace(string name) => null;
    }
}
