using System.Diagnostics;

namespace WaypointWebhook.Testing;

/// <summary>
/// Bounded polling in place of sleeps: checks a condition until it holds or the time is up. The condition is
/// always checked once more after the deadline, so a slow machine fails only when the condition really never held.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Whether the condition held within the time.</summary>
    public static Task<bool> Holds(Func<bool> condition, TimeSpan within, TimeSpan? interval = null) =>
        Holds(() => Task.FromResult(condition()), within, interval);

    /// <summary>Whether the condition held within the time.</summary>
    public static async Task<bool> Holds(Func<Task<bool>> condition, TimeSpan within, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var expired = clock.Elapsed > within;
            if (await condition())
            {
                return true;
            }

            if (expired)
            {
                return false;
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Waits for the condition; throws <see cref="TimeoutException"/> naming <paramref name="what"/> if it never held.</summary>
    public static Task Until(Func<bool> condition, string what, TimeSpan within, TimeSpan? interval = null) =>
        Until(() => Task.FromResult(condition()), what, within, interval);

    /// <summary>Waits for the condition; throws <see cref="TimeoutException"/> naming <paramref name="what"/> if it never held.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan within, TimeSpan? interval = null)
    {
        if (!await Holds(condition, within, interval))
        {
            throw new TimeoutException($"timed out after {within} waiting for {what}");
        }
    }
}
