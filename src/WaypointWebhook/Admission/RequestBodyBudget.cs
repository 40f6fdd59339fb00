namespace WaypointWebhook.Admission;

/// <summary>
/// The request body bytes the process holds at once, across every request in flight. A body is buffered
/// whole before it is decoded, and the decoded object weighs a few times its bytes, so the sum of bodies in
/// flight is what decides the process's peak memory; without a cap, 40 concurrent 8 MiB reviews exhaust a
/// 256 MiB container. A request that does not fit is refused at once (429), before its body is read: the
/// API server then applies the webhook's failure policy and nothing else is affected.
/// <para>
/// Part of the budget is kept for small bodies (at most <see cref="SmallBodyBytes"/>, which every ordinary
/// review is), so large reviews filling the budget never starve ordinary admissions.
/// </para>
/// </summary>
public sealed class RequestBodyBudget
{
    /// <summary>A body of at most this many bytes may use the part of the budget kept for small bodies.</summary>
    public const long SmallBodyBytes = 256 * 1024;

    private readonly SemaphoreSlim largeEvaluations = new(1, 1);
    private long inFlight;

    public RequestBodyBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, SmallBodyBytes);
        Capacity = capacity;
        ReservedForSmallBodies = ReserveFor(capacity);
    }

    public long Capacity { get; }

    /// <summary>The part of a budget of <paramref name="capacity"/> bytes kept for small bodies: a quarter, at most 2 MiB.</summary>
    public static long ReserveFor(long capacity) => Math.Min(2L * 1024 * 1024, capacity / 4);

    /// <summary>The part of <see cref="Capacity"/> only small bodies may use.</summary>
    public long ReservedForSmallBodies { get; }

    /// <summary>Bytes reserved by requests in flight now.</summary>
    public long InFlight => Interlocked.Read(ref inFlight);

    /// <summary>Reserves <paramref name="bytes"/> if they fit; a reservation is given back with <see cref="Release"/>.</summary>
    public bool TryReserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var limit = bytes <= SmallBodyBytes ? Capacity : Capacity - ReservedForSmallBodies;
        while (true)
        {
            var current = Interlocked.Read(ref inFlight);
            if (current + bytes > limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref inFlight, current + bytes, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Waits for the right to decode and judge a large body (over <see cref="SmallBodyBytes"/>): one at a
    /// time. A body's bytes are budgeted, but its decoded object weighs about ten times as much; judged one
    /// at a time, large bodies cost one decoded object, however the budget is split among them. Small bodies
    /// never wait. False when <paramref name="wait"/> passed first.
    /// </summary>
    public Task<bool> EnterLargeEvaluation(TimeSpan wait, CancellationToken cancellationToken) => largeEvaluations.WaitAsync(wait, cancellationToken);

    public void ExitLargeEvaluation() => largeEvaluations.Release();

    public void Release(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Add(ref inFlight, -bytes);
    }
}
