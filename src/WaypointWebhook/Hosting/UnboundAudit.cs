using System.Diagnostics;
using System.Threading.Channels;
using WaypointWebhook.Audit;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;

namespace WaypointWebhook.Hosting;

/// <summary>
/// The live audit (spec section 7): the indexed consumers that are not bound, re-judged whenever the cluster
/// view changes. Changes are coalesced: a change fills a single-slot signal (a full slot drops the write), one
/// worker takes it, waits out <c>minimumInterval</c> after the previous pass and empties the slot just before
/// reading the view, so a burst of events costs one pass (at most one more for events during that pass) and
/// a steady churn at most one per interval. Each replica judges its own view and writes nothing to the
/// cluster. A view of files never changes: it is judged once.
/// </summary>
public sealed class UnboundAudit : BackgroundService
{
    private readonly Channel<bool> signals = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = false });

    private readonly TaskCompletionSource firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WaypointPolicy policy;
    private readonly IClusterViewSource viewSource;
    private readonly TimeProvider clock;
    private readonly TimeSpan minimumInterval;
    private readonly ILogger logger;
    private AuditResult? latest;
    private long passes;
    private long? lastPassEnd;

    public UnboundAudit(WaypointPolicy policy, IClusterViewSource viewSource, TimeProvider clock, TimeSpan minimumInterval, ILogger<UnboundAudit> logger)
    {
        this.policy = policy;
        this.viewSource = viewSource;
        this.clock = clock;
        this.minimumInterval = minimumInterval;
        this.logger = logger;
    }

    /// <summary>The result of the latest pass; null until a pass has judged a loaded view.</summary>
    public AuditResult? Latest => Volatile.Read(ref latest);

    /// <summary>Completes when the first pass is done (what <c>/unbound</c> answers 503 before).</summary>
    public Task FirstPass => firstPass.Task;

    /// <summary>Passes run so far, over a loaded view.</summary>
    public long Passes => Interlocked.Read(ref passes);

    /// <summary>Whether a change is waiting for a pass.</summary>
    public bool Pending => signals.Reader.Count > 0;

    /// <summary>
    /// The unbound consumers by kind and reason, as of the latest pass (empty before it): what the gauge
    /// <c>waypoint_webhook_unbound_consumers{kind,reason}</c> reads.
    /// </summary>
    public IReadOnlyList<(string Kind, string Reason, long Count)> Counts =>
        Latest is { } result ? result.Counts.Select(c => (c.Kind, c.Reason, c.Count)).ToList() : [];

    /// <summary>Asks for a pass; any number of calls before the worker takes it count as one.</summary>
    public void Signal() => signals.Writer.TryWrite(true);

    /// <summary>
    /// Waits for a change, keeps the interval since the previous pass, then judges the view as it is now.
    /// False when stopped. The worker's loop; tests step it by hand.
    /// </summary>
    public async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await signals.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (lastPassEnd is { } end && minimumInterval - clock.GetElapsedTime(end) is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        // Emptied before the view is read: every change until here is in what this pass judges.
        signals.Reader.TryRead(out _);
        Pass();
        lastPassEnd = clock.GetTimestamp();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: a pass over a large index takes a while.
        await Task.Yield();
        viewSource.Changed += Signal;
        try
        {
            // A view of files is loaded already and never changes; a live one signals when it is replaced.
            Signal();
            while (await StepAsync(stoppingToken).ConfigureAwait(false))
            {
            }
        }
        finally
        {
            viewSource.Changed -= Signal;
        }
    }

    private void Pass()
    {
        if (viewSource.Current is not { } view)
        {
            return; // not loaded yet: the load itself signals
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var result = AuditResult.Of(policy, view);
            var previous = Interlocked.Exchange(ref latest, result);
            Interlocked.Increment(ref passes);
            firstPass.TrySetResult();
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (previous is null || previous.Items.Count != result.Items.Count)
            {
                logger.LogInformation("Audit: {Unbound} of {Consumers} consumers are not bound (was {Previous}), judged in {Elapsed} ms", result.Items.Count, result.Consumers, previous?.Items.Count, (long)elapsed.TotalMilliseconds);
            }
            else
            {
                logger.LogDebug("Audit: {Unbound} of {Consumers} consumers are not bound, judged in {Elapsed} ms", result.Items.Count, result.Consumers, (long)elapsed.TotalMilliseconds);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The previous result stays: an audit that failed once must not take the webhook down.
            logger.LogError(e, "Audit pass failed; keeping the previous result");
        }
    }
}
